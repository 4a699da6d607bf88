// sluice::decimal: text both ways, the 38-digit edges, exact comparison and arithmetic, and
// random values checked against oracles that work on digit strings.
#include <doctest/doctest.h>

#include <sluice/decimal.hpp>
#include <sluice/error.hpp>

#include <algorithm>
#include <cmath>  // std::signbit
#include <cstdint>
#include <cstdlib>  // std::strtod: the to_double oracle (the tests run in the "C" locale)
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using sluice::decimal;

namespace {

const std::string nines_38(38, '9');
const std::string zeros_37(37, '0');

// The message of the sluice::error that reading text throws, or "" if it reads.
std::string parse_error(const std::string& text) {
    try {
        (void)decimal{text};
    } catch (const sluice::error& e) {
        return e.what();
    }
    return "";
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const sluice::error& e) {
        return e.what();
    }
    return "";
}

sluice::int128_t pow10(int n) {
    sluice::int128_t p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

// Reading canonical text and writing it back gives the same bytes, by both writers.
void check_round_trip(const std::string& text) {
    CAPTURE(text);
    const decimal d{text};
    CHECK(d.to_string() == text);
    char out[decimal::max_chars];
    CHECK(std::string(out, d.format_to(out)) == text);
    decimal again;
    REQUIRE(decimal::parse(text, again));
    CHECK(again.unscaled() == d.unscaled());
    CHECK(again.scale() == d.scale());
}

}  // namespace

TEST_CASE("decimal: canonical text round-trips byte for byte") {
    for (const char* text : {"0", "1", "-1", "2.99", "-0.50", "0.05", "7.10", "100", "0.000", "123456.789", "-0.001",
                             "10000000000000000000", "9999999999999999999", "-18446744073709551616.5"}) {
        check_round_trip(text);
    }
    const std::string edges[] = {nines_38,        "-" + nines_38,        "0." + nines_38,       "-0." + nines_38,
                                 "1." + zeros_37, "0." + zeros_37 + "0", "0." + zeros_37 + "1", "-0." + zeros_37 + "1"};
    for (const std::string& text : edges) check_round_trip(text);
    // The longest text there is fills max_chars exactly.
    char out[decimal::max_chars];
    CHECK(decimal{"-0." + nines_38}.format_to(out) - out == decimal::max_chars);
}

TEST_CASE("decimal: other spellings read to the canonical text") {
    const std::pair<std::string, std::string> cases[] = {
        {"+7", "7"},       {".5", "0.5"},
        {"5.", "5"},       {"007.10", "7.10"},
        {"-0.00", "0.00"}, {"-0", "0"},
        {"+0.0", "0.0"},   {"-.5", "-0.5"},
        {"000", "0"},      {"00.00100", "0.00100"},
        {"+.25", "0.25"},  {std::string(50, '0') + "1", "1"},
        {"-007", "-7"},    {"0000" + nines_38, nines_38},
    };
    for (const auto& c : cases) {  // not a structured binding: clang 14 cannot capture one (CAPTURE)
        CAPTURE(c.first);
        CHECK(decimal{c.first}.to_string() == c.second);
    }
    CHECK(decimal{"5."}.scale() == 0);
    CHECK(decimal{".5"}.scale() == 1);
    CHECK(decimal{"007.10"}.scale() == 2);
    CHECK(decimal{"007.10"}.unscaled() == 710);
    CHECK(decimal{"-0.00"}.unscaled() == 0);
}

TEST_CASE("decimal: 38 digits read, 39 are refused") {
    const sluice::int128_t largest = pow10(38) - 1;
    const decimal whole{nines_38}, fraction{"0." + nines_38}, negative{"-" + nines_38};
    CHECK(whole.unscaled() == largest);
    CHECK(whole.scale() == 0);
    CHECK(fraction.unscaled() == largest);
    CHECK(fraction.scale() == 38);
    CHECK(negative.unscaled() == -largest);
    CHECK(decimal{"-0." + nines_38}.unscaled() == -largest);
    CHECK(decimal{"0." + zeros_37 + "0"}.scale() == 38);

    CHECK(parse_error(nines_38 + "9").find("more than 38 significant digits") != std::string::npos);
    CHECK(parse_error("1" + zeros_37 + "0").find("more than 38 significant digits") != std::string::npos);
    CHECK(parse_error("-1." + nines_38).find("more than 38 significant digits") != std::string::npos);
    CHECK(parse_error("0." + nines_38 + "9").find("more than 38 digits after the point") != std::string::npos);
    // A scale of 39 is refused even when the value is zero.
    CHECK(parse_error("0." + zeros_37 + "00").find("more than 38 digits after the point") != std::string::npos);

    CHECK(decimal::from_unscaled(largest, 38) == fraction);
    CHECK(decimal::from_unscaled(-largest, 0) == negative);
    CHECK_THROWS_AS(decimal::from_unscaled(largest + 1, 0), sluice::error);
    CHECK_THROWS_AS(decimal::from_unscaled(-largest - 1, 5), sluice::error);
    CHECK_THROWS_AS(decimal::from_unscaled(std::numeric_limits<sluice::int128_t>::min(), 0), sluice::error);
    CHECK_THROWS_AS(decimal::from_unscaled(1, -1), sluice::error);
    CHECK_THROWS_AS(decimal::from_unscaled(1, 39), sluice::error);
    CHECK(decimal::from_unscaled(-250, 2).to_string() == "-2.50");
}

TEST_CASE("decimal: malformed text throws sluice::error naming the text and the fault") {
    std::vector<std::string> malformed = {"",     "-",   "+",   ".",      "-.",   "+.",    "1.2.3",
                                          "1..2", "1e5", "1E5", "2.5e-3", " 1",   "1 ",    "abc",
                                          "--1",  "1-",  "+-1", "1,5",    "0x10", "1_000", "\xd9\xa1"};
    malformed.push_back(std::string("1\0", 2));
    for (const std::string& text : malformed) {
        CAPTURE(text);
        const std::string message = parse_error(text);
        CHECK(message.rfind("sluice: ", 0) == 0);
        CHECK(message.find("is not a decimal") != std::string::npos);
        decimal out{42};
        CHECK_FALSE(decimal::parse(text, out));
        CHECK(out == decimal{42});  // untouched
    }
    CHECK(parse_error("1e5") == "sluice: '1e5' is not a decimal: exponents are not supported (write the digits out)");
    CHECK(parse_error("1E5").find("exponents are not supported") != std::string::npos);
    CHECK(parse_error("") == "sluice: '' is not a decimal: the text is empty");
    CHECK(parse_error("-") == "sluice: '-' is not a decimal: it has no digits");
    CHECK(parse_error("1.2.3") == "sluice: '1.2.3' is not a decimal: a second decimal point at offset 3");
    CHECK(parse_error(" 1") == "sluice: ' 1' is not a decimal: unexpected character at offset 0");
    CHECK(parse_error("1-") == "sluice: '1-' is not a decimal: unexpected character at offset 1");
    // Long text is cut in the message.
    CHECK(parse_error(std::string(100, '7') + "x").size() < 200);
}

TEST_CASE("decimal: integers construct at scale 0") {
    CHECK(decimal{42}.to_string() == "42");
    CHECK(decimal{-7}.scale() == 0);
    CHECK(decimal{std::int8_t{-5}}.to_string() == "-5");
    CHECK(decimal{std::numeric_limits<std::int64_t>::min()}.to_string() == "-9223372036854775808");
    CHECK(decimal{std::numeric_limits<std::uint64_t>::max()}.to_string() == "18446744073709551615");
    constexpr decimal zero{};
    CHECK(zero.to_string() == "0");
    CHECK(zero.scale() == 0);
    static_assert(!std::is_constructible_v<decimal, bool>);
    static_assert(!std::is_convertible_v<int, decimal>);
    static_assert(!std::is_convertible_v<const char*, decimal>);
}

TEST_CASE("decimal: digits and integer_digits") {
    const struct {
        const char* text;
        int digits, integer_digits;
    } cases[] = {{"2.99", 3, 1},  {"0.05", 2, 0}, {"0", 1, 0},      {"0.0", 1, 0},   {"100", 3, 3},
                 {"-12.5", 3, 2}, {"0.50", 2, 0}, {"99.000", 5, 2}, {"-0.001", 3, 0}};
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(decimal{c.text}.digits() == c.digits);
        CHECK(decimal{c.text}.integer_digits() == c.integer_digits);
    }
    CHECK(decimal{nines_38}.digits() == 38);
    CHECK(decimal{nines_38}.integer_digits() == 38);
    CHECK(decimal{"0." + nines_38}.digits() == 38);
    CHECK(decimal{"0." + nines_38}.integer_digits() == 0);
    CHECK(decimal{"1." + zeros_37}.integer_digits() == 1);
}

TEST_CASE("decimal: comparison is by value across scales") {
    CHECK(decimal{"2.5"} == decimal{"2.50"});
    CHECK(decimal{"2.5"} != decimal{"2.51"});
    CHECK(decimal{"-0.00"} == decimal{0});
    CHECK(decimal{"-1"} < decimal{"-0.5"});
    CHECK(decimal{"0.1"} > decimal{"-0.1"});
    CHECK(decimal{"10"} > decimal{"9.99"});
    CHECK((decimal{"1.000"} <=> decimal{"1"}) == std::strong_ordering::equal);
    CHECK((decimal{"-3"} <=> decimal{"-2.999"}) == std::strong_ordering::less);

    // Rescaling the coarser side naively would pass 2^127 and wrap.
    const decimal big{nines_38}, tiny_scale_38{"0." + zeros_37 + "1"};
    const decimal just_below{"9999999999999999999999999999999999999.9"};
    CHECK(big > just_below);
    CHECK(just_below < big);
    CHECK(-big < -just_below);
    CHECK(big > decimal{"0." + nines_38});
    CHECK(-big < decimal{"-0." + nines_38});
    CHECK(tiny_scale_38 > decimal{0});
    CHECK(tiny_scale_38 < decimal{1});
    CHECK(-tiny_scale_38 < decimal{"0"});
    CHECK(-tiny_scale_38 > decimal{"-1"});
    CHECK(decimal{"1"} == decimal{"1." + zeros_37});
    CHECK(decimal{"-1"} == decimal{"-1." + zeros_37});
    CHECK(decimal{"1" + zeros_37} > decimal{"9." + nines_38.substr(1)});
    const std::string ten_to_36 = "1" + zeros_37.substr(1);
    CHECK((decimal{ten_to_36} <=> decimal{ten_to_36 + ".0"}) == std::strong_ordering::equal);
    CHECK((decimal{"1" + zeros_37} <=> decimal{ten_to_36 + ".0"}) == std::strong_ordering::greater);
}

TEST_CASE("decimal: addition and subtraction are exact at the larger scale") {
    CHECK((decimal{"2.99"} + decimal{"0.01"}).to_string() == "3.00");
    CHECK((decimal{"1"} + decimal{"0.5"}).to_string() == "1.5");
    CHECK((decimal{"-1.5"} + decimal{"1.5"}).to_string() == "0.0");
    CHECK((decimal{"0.1"} - decimal{"0.25"}).to_string() == "-0.15");
    CHECK((-decimal{"2.50"}).to_string() == "-2.50");
    CHECK((-decimal{"0.00"}).to_string() == "0.00");
    decimal total{"10.00"};
    total += decimal{"0.5"};
    total -= decimal{"20"};
    CHECK(total.to_string() == "-9.50");

    const decimal big{nines_38};
    CHECK((big - decimal{1}).to_string() == nines_38.substr(1) + "8");
    CHECK((big + -big).to_string() == "0");
    CHECK_THROWS_AS(big + decimal{1}, sluice::error);
    CHECK_THROWS_AS(-big - decimal{1}, sluice::error);
    CHECK_THROWS_AS(big + big, sluice::error);
    CHECK_THROWS_AS(big + decimal{"0." + nines_38}, sluice::error);
    // Aligning 10^37 to scale 1 passes 10^38, yet the sum fits.
    CHECK((decimal{"1" + zeros_37} + decimal{"-" + std::string(37, '9') + ".9"}).to_string() == "0.1");
    CHECK((decimal{"-" + std::string(37, '9') + ".9"} + decimal{"1" + zeros_37}).to_string() == "0.1");
    CHECK_THROWS_AS(decimal{"1" + zeros_37} + decimal{"0.1"}, sluice::error);
    CHECK(error_of([&] { (void)(big + decimal{"1.5"}); }) ==
          "sluice: decimal overflow: the sum of " + nines_38 + " and 1.5 has more than 38 digits");
}

TEST_CASE("decimal: multiplication by an integer keeps the scale") {
    CHECK((decimal{"2.50"} * 3).to_string() == "7.50");
    CHECK((3 * decimal{"2.50"}).to_string() == "7.50");
    CHECK((decimal{"-1.5"} * -2).to_string() == "3.0");
    CHECK((decimal{"1.5"} * 0).to_string() == "0.0");
    CHECK((decimal{"-1.5"} * 0).to_string() == "0.0");
    const std::int64_t min64 = std::numeric_limits<std::int64_t>::min();
    CHECK((decimal{"1" + std::string(19, '0')} * min64).to_string() == "-92233720368547758080000000000000000000");
    CHECK((decimal{"-0.1"} * min64).to_string() == "922337203685477580.8");
    CHECK((decimal{std::string(38, '3')} * 3).to_string() == nines_38);
    CHECK_THROWS_AS(decimal{std::string(37, '3') + "4"} * 3, sluice::error);
    CHECK_THROWS_AS(decimal{nines_38} * 2, sluice::error);
    CHECK_THROWS_AS(decimal{"1" + std::string(20, '0')} * 1'000'000'000'000'000'000, sluice::error);  // exactly 10^38
    CHECK((decimal{"1" + std::string(20, '0')} * 999'999'999'999'999'999).to_string() ==
          std::string(18, '9') + std::string(20, '0'));
    CHECK_THROWS_AS(decimal{"1" + std::string(20, '0')} * std::numeric_limits<std::int64_t>::max(), sluice::error);
    CHECK(error_of([] { (void)(decimal{nines_38} * -2); }) ==
          "sluice: decimal overflow: " + nines_38 + " * -2 has more than 38 digits");
}

TEST_CASE("decimal: with_scale is exact or throws") {
    CHECK(decimal{"2.990"}.with_scale(2).to_string() == "2.99");
    CHECK(decimal{"2.5"}.with_scale(4).to_string() == "2.5000");
    CHECK(decimal{"-2.500"}.with_scale(1).to_string() == "-2.5");
    CHECK(decimal{"100"}.with_scale(0).to_string() == "100");
    CHECK(decimal{"1"}.with_scale(37).to_string() == "1." + zeros_37);
    CHECK(decimal{"0"}.with_scale(38).to_string() == "0." + zeros_37 + "0");
    CHECK(decimal{"0." + nines_38}.with_scale(38).to_string() == "0." + nines_38);
    CHECK_THROWS_AS(decimal{"2.999"}.with_scale(2), sluice::error);
    CHECK_THROWS_AS(decimal{"0.001"}.with_scale(0), sluice::error);
    CHECK_THROWS_AS(decimal{"10"}.with_scale(37), sluice::error);  // 39 digits
    CHECK_THROWS_AS(decimal{"1"}.with_scale(39), sluice::error);
    CHECK_THROWS_AS(decimal{"1"}.with_scale(-1), sluice::error);
    CHECK(error_of([] { (void)decimal{"2.999"}.with_scale(2); }) ==
          "sluice: decimal 2.999 does not fit scale 2 without rounding");
}

TEST_CASE("decimal: fits DECIMAL(p, s) only without rounding") {
    CHECK(decimal{"2.99"}.fits(3, 2));
    CHECK(decimal{"2.99"}.fits(4, 2));
    CHECK_FALSE(decimal{"2.99"}.fits(3, 1));  // would round
    CHECK_FALSE(decimal{"2.99"}.fits(2, 2));  // no integer digit left
    CHECK(decimal{"2.990"}.fits(3, 2));       // trailing zeros drop
    CHECK(decimal{"0.05"}.fits(2, 2));
    CHECK_FALSE(decimal{"0.05"}.fits(1, 1));
    CHECK(decimal{"-123"}.fits(3, 0));
    CHECK_FALSE(decimal{"-123"}.fits(4, 2));
    CHECK(decimal{"-123"}.fits(5, 2));
    CHECK(decimal{"0"}.fits(1, 0));
    CHECK(decimal{"0.000"}.fits(1, 1));
    CHECK(decimal{nines_38}.fits(38, 0));
    CHECK_FALSE(decimal{nines_38}.fits(38, 1));
    CHECK(decimal{"0." + nines_38}.fits(38, 38));
    CHECK_FALSE(decimal{"0." + nines_38}.fits(38, 37));
    CHECK(decimal{"1.5"}.fits(65, 30));
    CHECK_FALSE(decimal{"0"}.fits(0, 0));
    CHECK_FALSE(decimal{"1"}.fits(2, 3));
    CHECK_FALSE(decimal{"1"}.fits(2, -1));
}

TEST_CASE("decimal: to_double is the nearest double") {
    CHECK(decimal{"2.99"}.to_double() == 2.99);
    CHECK(decimal{"-0.5"}.to_double() == -0.5);
    CHECK(decimal{"0.1"}.to_double() == 0.1);
    CHECK(decimal{"-0.00"}.to_double() == 0.0);
    CHECK_FALSE(std::signbit(decimal{"-0.00"}.to_double()));
    CHECK(decimal{nines_38}.to_double() == 1e38);
    CHECK(decimal{"-0." + zeros_37 + "1"}.to_double() == -1e-38);
    CHECK(decimal{"9007199254740993"}.to_double() == 9007199254740992.0);  // the tie goes to even
    CHECK(decimal{"9007199254740995"}.to_double() == 9007199254740996.0);
    CHECK(decimal{"0.30000000000000004"}.to_double() == 0.30000000000000004);
    // Past the fast path: more than 53 bits of digits.
    CHECK(decimal{"1234567890.123456789012345678"}.to_double() == 1234567890.123456789012345678);
    CHECK(decimal{"-" + nines_38.substr(1) + ".9"}.to_double() == -1e37);
}

// Oracles for the random test: decimals as digit strings, with schoolbook arithmetic.
namespace {

struct sample {
    bool negative = false;
    std::string integer = "0";  // no leading zeros
    std::string fraction;       // exactly scale digits

    bool is_zero() const { return integer == "0" && fraction.find_first_not_of('0') == std::string::npos; }
    std::string text() const {
        std::string s = negative && !is_zero() ? "-" : "";
        s += integer;
        if (!fraction.empty()) s += "." + fraction;
        return s;
    }
};

sample random_sample(std::mt19937_64& rng) {
    auto below = [&rng](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    // Uniform digits, or mostly nines or zeros, to reach the carries and the edges often.
    const int mode = below(4);
    auto digit = [&]() -> char {
        if (mode == 1 && below(8) != 0) return '9';
        if (mode == 2 && below(8) != 0) return '0';
        return static_cast<char>('0' + below(10));
    };
    sample s;
    s.negative = below(2) == 1;
    const int integer_length = below(39);
    const int scale = below(39 - integer_length);
    if (integer_length > 0) {
        s.integer = static_cast<char>('1' + below(9));
        for (int i = 1; i < integer_length; ++i) s.integer += digit();
    }
    for (int i = 0; i < scale; ++i) s.fraction += digit();
    return s;
}

// Numeric order of samples: integer parts by length and then text, then fractions padded.
int compare_samples(const sample& a, const sample& b) {
    if (a.is_zero() && b.is_zero()) return 0;
    const int sign_a = a.is_zero() ? 0 : a.negative ? -1 : 1;
    const int sign_b = b.is_zero() ? 0 : b.negative ? -1 : 1;
    if (sign_a != sign_b) return sign_a < sign_b ? -1 : 1;
    int by_magnitude = 0;
    if (a.integer.size() != b.integer.size()) {
        by_magnitude = a.integer.size() < b.integer.size() ? -1 : 1;
    } else if (const int c = a.integer.compare(b.integer); c != 0) {
        by_magnitude = c < 0 ? -1 : 1;
    } else {
        const std::size_t width = std::max(a.fraction.size(), b.fraction.size());
        std::string fa = a.fraction, fb = b.fraction;
        fa.resize(width, '0');
        fb.resize(width, '0');
        const int f = fa.compare(fb);
        by_magnitude = f < 0 ? -1 : f > 0 ? 1 : 0;
    }
    return sign_a * by_magnitude;
}

// A signed big integer of decimal digits with a scale, for the arithmetic oracle.
struct digit_value {
    bool negative = false;
    std::string digits;  // most significant first, no leading zeros; "" is zero
    int scale = 0;
};

std::string strip_leading_zeros(std::string s) { return s.erase(0, std::min(s.find_first_not_of('0'), s.size())); }

digit_value to_digit_value(const sample& s, int scale) {
    std::string fraction = s.fraction;
    fraction.resize(static_cast<std::size_t>(scale), '0');
    return {s.negative, strip_leading_zeros(s.integer + fraction), scale};
}

int compare_magnitudes(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
    std::string sum;
    int carry = 0;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
        const int da = i < a.size() ? a[a.size() - 1 - i] - '0' : 0;
        const int db = i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
        const int d = da + db + carry;
        sum += static_cast<char>('0' + d % 10);
        carry = d / 10;
    }
    std::reverse(sum.begin(), sum.end());
    return strip_leading_zeros(sum);
}

// a - b for a >= b.
std::string subtract_magnitudes(const std::string& a, const std::string& b) {
    std::string difference;
    int borrow = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        int d = (a[a.size() - 1 - i] - '0') - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
        borrow = d < 0;
        if (d < 0) d += 10;
        difference += static_cast<char>('0' + d);
    }
    std::reverse(difference.begin(), difference.end());
    return strip_leading_zeros(difference);
}

std::string multiply_magnitudes(const std::string& a, const std::string& b) {
    std::string product(a.size() + b.size(), '0');
    for (std::size_t i = a.size(); i-- > 0;) {
        int carry = 0;
        for (std::size_t j = b.size(); j-- > 0;) {
            const int d = (product[i + j + 1] - '0') + (a[i] - '0') * (b[j] - '0') + carry;
            product[i + j + 1] = static_cast<char>('0' + d % 10);
            carry = d / 10;
        }
        product[i] = static_cast<char>(product[i] + carry);
    }
    return strip_leading_zeros(product);
}

digit_value oracle_sum(const sample& a, const sample& b) {
    const int scale = static_cast<int>(std::max(a.fraction.size(), b.fraction.size()));
    const digit_value x = to_digit_value(a, scale), y = to_digit_value(b, scale);
    if (x.negative == y.negative) return {x.negative, add_magnitudes(x.digits, y.digits), scale};
    if (compare_magnitudes(x.digits, y.digits) >= 0)
        return {x.negative, subtract_magnitudes(x.digits, y.digits), scale};
    return {y.negative, subtract_magnitudes(y.digits, x.digits), scale};
}

// The canonical text, or "overflow" past 38 digits.
std::string oracle_text(const digit_value& v) {
    if (v.digits.size() > 38) return "overflow";
    std::string digits = v.digits;
    if (digits.size() < static_cast<std::size_t>(v.scale) + 1) {
        digits.insert(0, static_cast<std::size_t>(v.scale) + 1 - digits.size(), '0');
    }
    if (v.scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(v.scale), ".");
    return (v.negative && !v.digits.empty() ? "-" : "") + digits;
}

template <class F>
std::string text_or_overflow(F&& f) {
    try {
        return f().to_string();
    } catch (const sluice::error&) {
        return "overflow";
    }
}

}  // namespace

TEST_CASE("decimal: random values agree with digit-string oracles") {
    std::mt19937_64 rng(20240611);
    sample previous;
    int overflows = 0, sums = 0;
    for (int round = 0; round < 20000; ++round) {
        const sample s = random_sample(rng);
        const std::string text = s.text();
        CAPTURE(text);
        const decimal d{text};
        REQUIRE(d.to_string() == text);
        CHECK(d.scale() == static_cast<int>(s.fraction.size()));
        const int integer_digits = s.integer == "0" ? 0 : static_cast<int>(s.integer.size());
        CHECK(d.integer_digits() == integer_digits);
        CHECK(d.digits() == std::max(1, integer_digits + d.scale()));
        char out[decimal::max_chars];
        decimal again;
        REQUIRE(decimal::parse(std::string_view(out, static_cast<std::size_t>(d.format_to(out) - out)), again));
        CHECK(again == d);
        CHECK(again.scale() == d.scale());
        CHECK(d.to_double() == std::strtod(text.c_str(), nullptr));

        // Other spellings of the same value: leading zeros, a plus sign, no "0" before the point.
        std::string spelled = std::string(rng() % 3, '0') + s.integer + (s.fraction.empty() ? "" : "." + s.fraction);
        if (s.integer == "0" && !s.fraction.empty() && rng() % 2) spelled = "." + s.fraction;
        spelled.insert(0, s.negative ? "-" : rng() % 2 ? "+" : "");
        CHECK(decimal{spelled}.to_string() == text);

        const decimal p{previous.text()};
        CHECK(((d <=> p) == 0) == (compare_samples(s, previous) == 0));
        CHECK(((d <=> p) < 0) == (compare_samples(s, previous) < 0));
        CHECK((d == p) == (compare_samples(s, previous) == 0));

        const std::string sum = oracle_text(oracle_sum(s, previous));
        CHECK(text_or_overflow([&] { return d + p; }) == sum);
        sample negated = previous;
        negated.negative = !negated.negative;
        CHECK(text_or_overflow([&] { return d - p; }) == oracle_text(oracle_sum(s, negated)));
        if (sum == "overflow") {
            ++overflows;
        } else {
            ++sums;
            // a + b - b is a at the larger scale, which can itself pass 38 digits.
            const int scale = std::max(d.scale(), p.scale());
            if (to_digit_value(s, scale).digits.size() <= 38)
                CHECK(d + p - p == d);
            else
                CHECK_THROWS_AS(d + p - p, sluice::error);
        }

        // Factors of every size from 0 to 2^63 - 1, both signs.
        const int shift = 1 + static_cast<int>(rng() % 63);
        const auto factor = static_cast<std::int64_t>(rng() >> shift);
        const std::int64_t signed_factor = rng() % 2 ? -factor : factor;
        const std::string factor_digits = strip_leading_zeros(std::to_string(factor));
        const digit_value product{s.negative != (signed_factor < 0),
                                  multiply_magnitudes(to_digit_value(s, d.scale()).digits, factor_digits), d.scale()};
        CHECK(text_or_overflow([&] { return d * signed_factor; }) == oracle_text(product));

        const int new_scale = static_cast<int>(rng() % 39);
        const digit_value rescaled = to_digit_value(s, new_scale);
        const bool exact = new_scale >= d.scale() ||
                           s.fraction.find_first_not_of('0', static_cast<std::size_t>(new_scale)) == std::string::npos;
        CHECK(text_or_overflow([&] { return d.with_scale(new_scale); }) ==
              (exact ? oracle_text(rescaled) : "overflow"));
        previous = s;
    }
    // The values reach both outcomes often enough to test them.
    CHECK(overflows > 5000);
    CHECK(sums > 5000);
}
