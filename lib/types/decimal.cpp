// sluice::decimal: its text form both ways, exact rescaling, arithmetic and comparison.
#include <sluice/decimal.hpp>

#include <algorithm>  // std::max
#include <array>
#include <charconv>  // std::from_chars: correctly rounded and locale-free, unlike std::strtod
#include <initializer_list>
#include <iterator>  // std::size
#include <ostream>

#include <sluice/error.hpp>
#include <sluice/types.hpp>  // describe(), which quotes and cuts the text in messages

namespace sluice {
namespace {

__extension__ typedef unsigned __int128 uint128_t;

constexpr auto pow10_table = [] {
    std::array<uint128_t, decimal::max_digits + 1> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
}();

constexpr uint128_t pow10(int n) noexcept { return pow10_table[static_cast<std::size_t>(n)]; }

// Every stored |unscaled| is below this.
constexpr uint128_t limit = pow10(decimal::max_digits);

// Text is read and written 19 digits at a time in 64-bit integers, so that the per-digit work
// never touches 128-bit division (a library call).
constexpr int chunk_digits = 19;
constexpr std::uint64_t chunk_base = 10'000'000'000'000'000'000u;
static_assert(chunk_base == pow10(chunk_digits));

uint128_t magnitude(int128_t v) noexcept { return v < 0 ? uint128_t{0} - uint128_t(v) : uint128_t(v); }

int128_t with_sign(uint128_t magnitude, bool negative) noexcept {
    return negative ? -int128_t(magnitude) : int128_t(magnitude);
}

// Digits of m, 0 for 0; m < 10^38.
int count_digits(uint128_t m) noexcept {
    int n = 0;
    while (n < decimal::max_digits && m >= pow10(n)) ++n;
    return n;
}

enum class parse_status {
    ok,
    empty,
    no_digits,
    bad_character,
    second_point,
    exponent,
    too_many_digits,
    too_many_fraction_digits,
};

struct parsed {
    parse_status status = parse_status::ok;
    std::size_t at = 0;  // where the text went wrong
    int128_t unscaled = 0;
    int scale = 0;
};

parsed read_decimal(std::string_view text) noexcept {
    parsed r;
    auto fail = [&r](parse_status status, std::size_t at) {
        r.status = status;
        r.at = at;
        return r;
    };
    if (text.empty()) return fail(parse_status::empty, 0);
    const bool negative = text[0] == '-';
    std::size_t i = negative || text[0] == '+' ? 1 : 0;
    uint128_t value = 0;      // the digits read before those in chunk
    std::uint64_t chunk = 0;  // fewer than 19 digits not yet in value
    int chunk_length = 0, significant = 0, scale = 0;
    bool point = false, any_digit = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        const unsigned digit = static_cast<unsigned char>(c) - unsigned{'0'};
        if (digit <= 9) {
            any_digit = true;
            if (point && ++scale > decimal::max_digits) return fail(parse_status::too_many_fraction_digits, i);
            if (digit == 0 && significant == 0) continue;  // a leading zero adds nothing to unscaled
            if (++significant > decimal::max_digits) return fail(parse_status::too_many_digits, i);
            chunk = chunk * 10 + digit;
            if (++chunk_length == chunk_digits) {
                value = value * chunk_base + chunk;
                chunk = 0;
                chunk_length = 0;
            }
        } else if (c == '.') {
            if (point) return fail(parse_status::second_point, i);
            point = true;
        } else if ((c == 'e' || c == 'E') && any_digit) {
            return fail(parse_status::exponent, i);
        } else {
            return fail(parse_status::bad_character, i);
        }
    }
    if (!any_digit) return fail(parse_status::no_digits, 0);
    value = value * pow10(chunk_length) + chunk;  // < 10^38: at most 38 significant digits
    r.unscaled = with_sign(value, negative);
    r.scale = scale;
    return r;
}

// What is wrong, by parse_status; the two that end in "offset " take the offset.
constexpr std::string_view parse_faults[] = {
    "",
    "the text is empty",
    "it has no digits",
    "unexpected character at offset ",
    "a second decimal point at offset ",
    "exponents are not supported (write the digits out)",
    "more than 38 significant digits",
    "more than 38 digits after the point",
};
static_assert(std::size(parse_faults) == static_cast<std::size_t>(parse_status::too_many_fraction_digits) + 1);

std::string parse_message(std::string_view text, const parsed& p) {
    std::string message = "sluice: ";
    message += describe(value_ref{text});
    message += " is not a decimal: ";
    message += parse_faults[static_cast<std::size_t>(p.status)];
    if (p.status == parse_status::bad_character || p.status == parse_status::second_point) {
        message += std::to_string(p.at);
    }
    return message;
}

std::string scale_message(int scale) {
    std::string message = "sluice: decimal scale ";
    message += std::to_string(scale);
    message += " is outside 0..38";
    return message;
}

// `what` names the operation and its operands.
[[noreturn]] void throw_overflow(std::initializer_list<std::string_view> what) {
    std::string message = "sluice: decimal overflow: ";
    for (std::string_view part : what) message += part;
    message += " has more than 38 digits";
    throw error(message);
}

// m * 10^k <=> other, where other < 10^38, without computing past 10^38.
std::strong_ordering compare_aligned(uint128_t m, int k, uint128_t other) noexcept {
    if (m >= pow10(decimal::max_digits - k)) return std::strong_ordering::greater;
    return m * pow10(k) <=> other;
}

}  // namespace

decimal::decimal(std::string_view text) {
    const parsed p = read_decimal(text);
    if (p.status != parse_status::ok) throw error(parse_message(text, p));
    unscaled_ = p.unscaled;
    scale_ = p.scale;
}

bool decimal::parse(std::string_view text, decimal& out) noexcept {
    const parsed p = read_decimal(text);
    if (p.status != parse_status::ok) return false;
    out = raw(p.unscaled, p.scale);
    return true;
}

decimal decimal::from_unscaled(int128_t unscaled, int scale) {
    if (scale < 0 || scale > max_digits) throw error(scale_message(scale));
    if (magnitude(unscaled) >= limit) throw error("sluice: decimal from_unscaled: |unscaled| is 10^38 or more");
    return raw(unscaled, scale);
}

int decimal::integer_digits() const noexcept { return std::max(0, count_digits(magnitude(unscaled_)) - scale_); }

int decimal::digits() const noexcept { return std::max(1, integer_digits() + scale_); }

char* decimal::format_to(char* out) const noexcept {
    // Written backwards from the last digit, then copied out.
    char text[max_chars];
    char* p = text + max_chars;
    uint128_t m = magnitude(unscaled_);
    int written = 0;  // digits so far, counted from the right
    auto put = [&](std::uint64_t& chunk) {
        if (written == scale_ && scale_ > 0) *--p = '.';
        *--p = static_cast<char>('0' + chunk % 10);
        chunk /= 10;
        ++written;
    };
    while (m >= chunk_base) {  // full chunks keep their zeros
        std::uint64_t chunk = static_cast<std::uint64_t>(m % chunk_base);
        m /= chunk_base;
        for (int i = 0; i < chunk_digits; ++i) put(chunk);
    }
    // The leading chunk, and zeros up to one digit before the point.
    std::uint64_t chunk = static_cast<std::uint64_t>(m);
    while (chunk != 0 || written <= scale_) put(chunk);
    if (unscaled_ < 0) *--p = '-';
    const auto length = static_cast<std::size_t>(text + max_chars - p);
    std::copy_n(p, length, out);
    return out + length;
}

std::string decimal::to_string() const {
    char text[max_chars];
    return std::string(text, format_to(text));
}

double decimal::to_double() const noexcept {
    // Clinger's fast path: the integer and the power of ten are both exact doubles, so the one
    // division rounds once, correctly. Prices and amounts nearly always take it.
    static constexpr auto exact_pow10 = [] {
        std::array<double, 23> p{};  // 10^22 is the largest power of ten a double holds exactly
        p[0] = 1;
        for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
        return p;
    }();
    const uint128_t m = magnitude(unscaled_);
    if (m < (uint128_t{1} << 53) && static_cast<std::size_t>(scale_) < exact_pow10.size()) {
        const double d =
            static_cast<double>(static_cast<std::uint64_t>(m)) / exact_pow10[static_cast<std::size_t>(scale_)];
        return unscaled_ < 0 ? -d : d;
    }
    char text[max_chars];
    const char* end = format_to(text);
    double d = 0;
    std::from_chars(text, end, d);  // cannot fail: our own text, and |x| < 10^38 is in range
    return d;
}

decimal decimal::with_scale(int scale) const {
    if (scale < 0 || scale > max_digits) throw error(scale_message(scale));
    if (scale >= scale_) {
        const int more = scale - scale_;
        if (magnitude(unscaled_) >= pow10(max_digits - more)) {
            throw_overflow({to_string(), " at scale ", std::to_string(scale)});
        }
        return raw(unscaled_ * int128_t(pow10(more)), scale);
    }
    const auto divisor = int128_t(pow10(scale_ - scale));
    if (unscaled_ % divisor != 0) {
        std::string message = "sluice: decimal ";
        message += to_string();
        message += " does not fit scale ";
        message += std::to_string(scale);
        message += " without rounding";
        throw error(message);
    }
    return raw(unscaled_ / divisor, scale);
}

bool decimal::fits(int precision, int scale) const noexcept {
    if (precision < 1 || scale < 0 || scale > precision) return false;
    // The fraction fits iff the digits past `scale` are all zero.
    if (scale_ > scale && magnitude(unscaled_) % pow10(scale_ - scale) != 0) return false;
    return integer_digits() <= precision - scale;
}

decimal decimal::add(const decimal& a, const decimal& b) {
    const int scale = std::max(a.scale_, b.scale_);
    uint128_t ma = magnitude(a.unscaled_), mb = magnitude(b.unscaled_);
    // Align the coarser operand. It may pass 10^38 while the sum still fits (10^37 plus
    // -9999999999999999999999999999999999999.9 is 0.1), but not 2 * 10^38: the other side is
    // below 10^38. So 128 unsigned bits hold every sum that can fit (below 3 * 10^38 < 2^128).
    uint128_t& coarse = a.scale_ < b.scale_ ? ma : mb;
    const int k = scale - std::min(a.scale_, b.scale_);
    const auto overflow = [&] { throw_overflow({"the sum of ", a.to_string(), " and ", b.to_string()}); };
    if (k > 0) {
        if (coarse > (2 * limit - 1) / pow10(k)) overflow();
        coarse *= pow10(k);
    }
    const bool neg_a = a.unscaled_ < 0, neg_b = b.unscaled_ < 0;
    uint128_t sum;
    bool negative;
    if (neg_a == neg_b) {
        sum = ma + mb;
        negative = neg_a;
    } else if (ma >= mb) {
        sum = ma - mb;
        negative = neg_a;
    } else {
        sum = mb - ma;
        negative = neg_b;
    }
    if (sum >= limit) overflow();
    return raw(with_sign(sum, negative), scale);
}

decimal decimal::multiply(const decimal& a, std::int64_t b) {
    const uint128_t ma = magnitude(a.unscaled_);
    // Unsigned negation keeps INT64_MIN's magnitude.
    const std::uint64_t mb = b < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
    if (mb != 0 && ma > (limit - 1) / mb) throw_overflow({a.to_string(), " * ", std::to_string(b)});
    return raw(with_sign(ma * mb, (a.unscaled_ < 0) != (b < 0)), a.scale_);
}

std::strong_ordering decimal::compare(const decimal& a, const decimal& b) noexcept {
    if (a.scale_ == b.scale_) return a.unscaled_ <=> b.unscaled_;
    const int sign_a = (a.unscaled_ > 0) - (a.unscaled_ < 0);
    const int sign_b = (b.unscaled_ > 0) - (b.unscaled_ < 0);
    if (sign_a != sign_b || sign_a == 0) return sign_a <=> sign_b;
    const uint128_t ma = magnitude(a.unscaled_), mb = magnitude(b.unscaled_);
    const std::strong_ordering by_magnitude = a.scale_ < b.scale_ ? compare_aligned(ma, b.scale_ - a.scale_, mb)
                                                                  : 0 <=> compare_aligned(mb, a.scale_ - b.scale_, ma);
    return sign_a > 0 ? by_magnitude : 0 <=> by_magnitude;
}

std::ostream& operator<<(std::ostream& out, const decimal& d) {
    char text[decimal::max_chars];
    return out.write(text, d.format_to(text) - text);
}

}  // namespace sluice
