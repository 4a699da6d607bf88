// Private to the MariaDB backend: result columns bound for unbuffered fetch, and the row reader over them.
#pragma once

#include <mysql.h>
#include <errmsg.h>

#include <chrono>
#include <string>
#include <vector>

#include <sluice/types.hpp>

#include "backend/connection.hpp"

namespace sluice::detail::mariadb {

enum class storage : std::uint8_t { integer, real, text, time };

struct result_column {
    storage kind = storage::text;
    bool is_unsigned = false;
    std::int64_t integer = 0;
    double real = 0;
    MYSQL_TIME time{};
    std::vector<char> buffer;
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
    bool bits = false;     // BIT(n): the bytes of a big-endian unsigned number
    bool decimal = false;  // DECIMAL: its exact text
};

// A BIT(n) value as a number.
inline std::uint64_t bits_value(const result_column& c) {
    std::uint64_t v = 0;
    for (unsigned long i = 0; i < c.length; ++i) v = (v << 8) | static_cast<unsigned char>(c.buffer[i]);
    return v;
}

[[noreturn]] inline void mismatch(const result_column& c, std::string_view expected) {
    if (c.is_null) throw_null_into_non_optional();
    std::string found;
    switch (c.kind) {
    case storage::integer: found = "integer " + (c.is_unsigned ? std::to_string(static_cast<std::uint64_t>(c.integer)) : std::to_string(c.integer)); break;
    case storage::real: found = "floating-point " + std::to_string(c.real); break;
    case storage::text: found = "text '" + std::string(c.buffer.data(), std::min<unsigned long>(c.length, 32)) + "'"; break;
    case storage::time: found = "a date/time"; break;
    }
    throw cell_mismatch{"expected " + std::string(expected) + ", found " + found};
}

inline sluice::decimal decimal_of(const result_column& c) {
    sluice::decimal d;
    if (!sluice::decimal::parse(std::string_view(c.buffer.data(), c.length), d)) mismatch(c, "decimal digits");
    return d;
}

// A DECIMAL read into an integer field: only a whole number is exact. Its bits as int64 (an
// unsigned value above INT64_MAX wraps, and the unsigned reader casts it back).
inline std::int64_t integral_decimal(const result_column& c, bool is_signed) {
    const sluice::decimal exact = decimal_of(c);
    if (!exact.fits(sluice::decimal::max_digits, 0)) mismatch(c, "a whole number");
    const sluice::int128_t v = exact.with_scale(0).unscaled();
    const bool fits = is_signed ? v >= INT64_MIN && v <= INT64_MAX : v >= 0 && v <= static_cast<sluice::int128_t>(UINT64_MAX);
    if (!fits) throw_out_of_range(is_signed ? "a signed 64-bit integer" : "an unsigned integer", exact.to_string());
    return static_cast<std::int64_t>(v);
}

    // What a result column holds, as its metadata declares it (for stream<R>'s checks).
inline result_kind declared_kind(const MYSQL_FIELD& f) {
        const bool binary = f.charsetnr == 63;
        switch (f.type) {
        case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_LONGLONG: return result_kind::integer;
        case MYSQL_TYPE_YEAR: return result_kind::year;
        case MYSQL_TYPE_BIT: return result_kind::bit;
        case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE: return result_kind::real;
        case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_DECIMAL: return result_kind::decimal;
        case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP: return result_kind::datetime;
        case MYSQL_TYPE_DATE: return result_kind::date;
        case MYSQL_TYPE_TIME: return result_kind::time;
        case MYSQL_TYPE_NULL: return result_kind::null;
        case MYSQL_TYPE_GEOMETRY: return result_kind::blob;
        default: return binary ? result_kind::blob : result_kind::text;
        }
    }

class mysql_row final : public row_reader {
public:
    std::vector<result_column>* cells = nullptr;

    int columns() override { return static_cast<int>(cells->size()); }
    bool is_null(int c) override { return col(c).is_null != 0; }
    std::int64_t get_int64(int c) override {
        const result_column& r = col(c);
        if (r.decimal && !r.is_null) return integral_decimal(r, true);
        if (r.bits && !r.is_null) {
            const std::uint64_t v = bits_value(r);
            if (v > static_cast<std::uint64_t>(INT64_MAX)) throw_out_of_range("a signed 64-bit integer", std::to_string(v));
            return static_cast<std::int64_t>(v);
        }
        if (r.kind != storage::integer || r.is_null) mismatch(r, "an integer");
        if (r.is_unsigned && r.integer < 0) throw_out_of_range("a signed 64-bit integer", std::to_string(static_cast<std::uint64_t>(r.integer)));
        return r.integer;
    }
    std::uint64_t get_uint64(int c) override {
        const result_column& r = col(c);
        if (r.bits && !r.is_null) return bits_value(r);
        if (r.decimal && !r.is_null) return static_cast<std::uint64_t>(integral_decimal(r, false));
        if (r.kind != storage::integer || r.is_null) mismatch(r, "an integer");
        if (!r.is_unsigned && r.integer < 0) throw_out_of_range("an unsigned integer", std::to_string(r.integer));
        return static_cast<std::uint64_t>(r.integer);
    }
    double get_double(int c) override {
        const result_column& r = col(c);
        if (r.is_null) mismatch(r, "a number");
        if (r.kind == storage::real) return r.real;
        if (r.decimal) return decimal_of(r).to_double();  // the nearest double, on request
        if (r.kind == storage::integer) return r.is_unsigned ? static_cast<double>(static_cast<std::uint64_t>(r.integer)) : static_cast<double>(r.integer);
        mismatch(r, "a number");
    }
    sluice::decimal get_decimal(int c) override {
        const result_column& r = col(c);
        if (r.is_null) mismatch(r, "a decimal");
        if (r.kind == storage::integer)
            return r.is_unsigned ? sluice::decimal::from_unscaled(static_cast<std::uint64_t>(r.integer), 0) : sluice::decimal(r.integer);
        if (r.kind != storage::text) mismatch(r, "a decimal (DECIMAL, an integer or decimal text)");
        return decimal_of(r);
    }
    std::string_view get_text(int c) override {
        const result_column& r = col(c);
        if (r.kind != storage::text || r.is_null) mismatch(r, "text");
        return {r.buffer.data(), r.length};
    }
    std::span<const std::byte> get_blob(int c) override {
        const result_column& r = col(c);
        if (r.kind != storage::text || r.is_null) mismatch(r, "a blob");
        return {reinterpret_cast<const std::byte*>(r.buffer.data()), r.length};
    }
    datetime get_datetime(int c) override {
        const MYSQL_TIME& t = time_of(c, "a datetime");
        using namespace std::chrono;
        return datetime{to_days(t)} + hours{t.hour} + minutes{t.minute} + seconds{t.second} + microseconds{t.second_part};
    }
    date get_date(int c) override {
        const MYSQL_TIME& t = time_of(c, "a date");
        if (t.hour || t.minute || t.second || t.second_part) throw cell_mismatch{"expected a date, found a datetime with a time of day"};
        return to_days(t);
    }

private:
    result_column& col(int c) { return (*cells)[static_cast<std::size_t>(c)]; }
    const MYSQL_TIME& time_of(int c, std::string_view expected) {
        const result_column& r = col(c);
        if (r.kind != storage::time || r.is_null || r.time.time_type == MYSQL_TIMESTAMP_TIME) mismatch(r, expected);
        return r.time;
    }
    static date to_days(const MYSQL_TIME& t) {
        using namespace std::chrono;
        const year_month_day ymd{year{static_cast<int>(t.year)}, month{t.month}, day{t.day}};
        if (!ymd.ok()) throw cell_mismatch{"invalid or zero date " + std::to_string(t.year) + "-" + std::to_string(t.month) + "-" + std::to_string(t.day)};
        return sys_days{ymd};
    }
};

}  // namespace sluice::detail::mariadb
