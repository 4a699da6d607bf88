// sluice::decimal: an exact fixed-point number for DECIMAL/NUMERIC columns, never rounded.
//
// The value is unscaled / 10^scale, with a signed 128-bit unscaled integer and a scale of 0..38.
// At most 38 significant digits (10^38 - 1 is the largest that fits in 128 bits), so sluice
// supports DECIMAL(p, s) with p <= 38 and s <= 38; MariaDB allows up to DECIMAL(65, 30), and
// values past 38 digits are refused with sluice::error rather than rounded.
//
// The scale is kept as written: decimal{"2.50"} prints as "2.50" and compares equal to
// decimal{"2.5"}. Parsing and formatting allocate nothing (apart from to_string's result),
// use no locale and no iostreams: they run once per row in scans.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <iosfwd>  // operator<<, defined in lib/types/decimal.cpp
#include <string>
#include <string_view>

#include <sluice/detail/export.hpp>

namespace sluice {

// __extension__: __int128 is a GCC/Clang extension, and -Wpedantic would flag every use.
__extension__ typedef __int128 int128_t;

class SLUICE_API decimal {
public:
    static constexpr int max_digits = 38;
    // The longest format_to() writes: sign, 38 digits, point and the "0" before a point, as in
    // "-0.12345678901234567890123456789012345678".
    static constexpr int max_chars = 41;

    constexpr decimal() noexcept = default;  // 0, scale 0

    // Plain decimal text: an optional sign, digits with at most one point, a digit on at least
    // one side of it ("2.99", "-0.50", "+7", ".5", "5.", "007.10"). No whitespace, no exponent.
    // The scale is the number of digits after the point. Throws sluice::error naming the text and
    // what is wrong with it (empty, a bad character, an exponent, more than 38 digits).
    explicit decimal(std::string_view text);

    // Every integer up to 64 bits fits in 38 digits; scale 0.
    template <std::integral I>
        requires(!std::same_as<I, bool> && sizeof(I) <= sizeof(std::int64_t))
    explicit decimal(I v) noexcept : unscaled_(v) {}

    // unscaled / 10^scale. Throws sluice::error if |unscaled| >= 10^38 or scale is outside 0..38.
    static decimal from_unscaled(int128_t unscaled, int scale);

    // The non-throwing parse for per-row reads: false (out untouched) where the constructor throws.
    static bool parse(std::string_view text, decimal& out) noexcept;

    int128_t unscaled() const noexcept { return unscaled_; }
    int scale() const noexcept { return scale_; }

    // Digits before the point, 0 for |x| < 1: "123.4" -> 3, "0.05" -> 0.
    int integer_digits() const noexcept;
    // The least precision p for which DECIMAL(p, scale()) holds the value as stored:
    // integer_digits() + scale(), and at least 1 (SQL has no DECIMAL(0, 0)).
    // "2.99" -> 3, "0.05" -> 2, "0" -> 1, "100" -> 3.
    int digits() const noexcept;

    // Exact text that keeps the scale: "2.50" stays "2.50", "007.10" gives "7.10", ".5" gives
    // "0.5", "5." gives "5", and zero has no sign ("-0.00" gives "0.00").
    std::string to_string() const;
    // The same text without allocating: writes at most max_chars characters (no terminating NUL)
    // and returns the end.
    char* format_to(char* out) const noexcept;

    // The nearest double (correctly rounded).
    double to_double() const noexcept;

    // Exact change of scale (0..38): more digits pads zeros; fewer throws sluice::error unless
    // the dropped digits are all zero ("2.990" -> scale 2 gives "2.99"; "2.999" -> scale 2
    // throws), and so does a result past 38 digits.
    decimal with_scale(int scale) const;

    // Whether DECIMAL(precision, scale) holds the value exactly, without rounding: its fraction
    // without trailing zeros has at most `scale` digits and its integer part at most
    // precision - scale. A specification SQL rejects (precision < 1, scale < 0 or > precision)
    // holds nothing.
    bool fits(int precision, int scale) const noexcept;

    // Exact arithmetic: the result's scale is the larger of the two (a product by an integer keeps
    // the decimal's). A result past 38 digits throws sluice::error; nothing wraps.
    friend decimal operator+(const decimal& a, const decimal& b) { return add(a, b); }
    friend decimal operator-(const decimal& a, const decimal& b) { return add(a, -b); }
    decimal operator-() const noexcept { return raw(-unscaled_, scale_); }  // |unscaled| < 10^38
    friend decimal operator*(const decimal& a, std::int64_t b) { return multiply(a, b); }
    friend decimal operator*(std::int64_t a, const decimal& b) { return multiply(b, a); }
    decimal& operator+=(const decimal& b) { return *this = add(*this, b); }
    decimal& operator-=(const decimal& b) { return *this = add(*this, -b); }

    // By value, whatever the scales: decimal{"2.5"} == decimal{"2.50"}. Never rescales past 38
    // digits, so the extremes of both scales compare correctly.
    friend bool operator==(const decimal& a, const decimal& b) noexcept { return compare(a, b) == 0; }
    friend std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept { return compare(a, b); }

private:
    // Unchecked: callers guarantee |unscaled| < 10^38 and 0 <= scale <= 38.
    static constexpr decimal raw(int128_t unscaled, int scale) noexcept {
        decimal d;
        d.unscaled_ = unscaled;
        d.scale_ = scale;
        return d;
    }
    static decimal add(const decimal& a, const decimal& b);
    static decimal multiply(const decimal& a, std::int64_t b);
    static std::strong_ordering compare(const decimal& a, const decimal& b) noexcept;

    int128_t unscaled_ = 0;
    int scale_ = 0;
};

// to_string(), for test failure messages and logs.
SLUICE_API std::ostream& operator<<(std::ostream& out, const decimal& d);

}  // namespace sluice
