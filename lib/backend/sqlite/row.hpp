// Private to the SQLite backend: the row reader over a stepped statement, and its type errors.
#pragma once

// SOCI's header includes <sqlite3.h> inside namespace sqlite_api: include it, as the connection
// does, so both agree on the types.
#include <soci/sqlite3/soci-sqlite3.h>

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/types.hpp>

#include "types/datetime.hpp"

namespace sluice::detail::sqlite_rows {

using namespace sqlite_api;

inline std::string_view storage_class(int type) {
    switch (type) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
    }
}

[[noreturn]] inline void wrong_storage(sqlite3_value* v, std::string_view expected) {
    if (sqlite3_value_type(v) == SQLITE_NULL) throw_null_into_non_optional();
    std::string found(storage_class(sqlite3_value_type(v)));
    if (sqlite3_value_type(v) == SQLITE_TEXT) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
        std::string shown(text, std::min(32, sqlite3_value_bytes(v)));
        found += " '" + shown + "'";
    }
    throw cell_mismatch{"expected " + std::string(expected) + ", found " + found};
}

// Reads the current row. Each cell is fetched once with sqlite3_column_value (one trip through
// the connection's mutex: Debian builds SQLite in serialized mode) and then read with the
// sqlite3_value_* accessors, which take no lock. Using the unprotected value is safe because a
// session is used by one thread at a time, and the value lives until the next step.
class sqlite_row final : public row_reader {
public:
    sqlite3_stmt* s = nullptr;

    void start_statement(sqlite3_stmt* statement) {
        s = statement;
        const auto n = static_cast<std::size_t>(sqlite3_column_count(s));
        cells_.assign(n, nullptr);
        fetched_row_.assign(n, 0);
        declared_scales_.assign(n, unknown_scale);
    }
    void next_row() noexcept { ++row_; }

    int columns() override { return sqlite3_column_count(s); }
    bool is_null(int c) override { return sqlite3_value_type(cell(c)) == SQLITE_NULL; }
    std::int64_t get_int64(int c) override {
        sqlite3_value* v = cell(c);
        if (sqlite3_value_type(v) != SQLITE_INTEGER) wrong_storage(v, "an integer");
        return sqlite3_value_int64(v);
    }
    std::uint64_t get_uint64(int c) override {
        const std::int64_t v = get_int64(c);
        if (v < 0) throw_out_of_range("an unsigned integer", std::to_string(v));
        return static_cast<std::uint64_t>(v);
    }
    double get_double(int c) override {
        sqlite3_value* v = cell(c);
        const int type = sqlite3_value_type(v);
        if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) wrong_storage(v, "a number");
        return sqlite3_value_double(v);
    }
    std::string_view get_text(int c) override {
        sqlite3_value* v = cell(c);
        if (sqlite3_value_type(v) != SQLITE_TEXT) wrong_storage(v, "text");
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
        return {text, static_cast<std::size_t>(sqlite3_value_bytes(v))};
    }
    std::span<const std::byte> get_blob(int c) override {
        sqlite3_value* v = cell(c);
        const int type = sqlite3_value_type(v);
        if (type != SQLITE_BLOB && type != SQLITE_TEXT) wrong_storage(v, "a blob");
        const auto* data = static_cast<const std::byte*>(sqlite3_value_blob(v));
        return {data, static_cast<std::size_t>(sqlite3_value_bytes(v))};
    }
    datetime get_datetime(int c) override {
        const auto t = parse_datetime(get_text(c));
        if (!t) wrong_storage(cell(c), "a datetime 'YYYY-MM-DD HH:MM:SS.ffffff'");
        return *t;
    }
    date get_date(int c) override {
        const auto d = parse_date(get_text(c));
        if (!d) wrong_storage(cell(c), "a date 'YYYY-MM-DD'");
        return *d;
    }
    // SQLite keeps a DECIMAL as INTEGER or REAL (NUMERIC affinity): a REAL written by sluice has
    // at most 15 significant digits, and its shortest round-trip text gives them back exactly.
    sluice::decimal get_decimal(int c) override {
        sqlite3_value* v = cell(c);
        sluice::decimal d;
        switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: d = sluice::decimal(static_cast<std::int64_t>(sqlite3_value_int64(v))); break;
        case SQLITE_FLOAT: {
            const double real = sqlite3_value_double(v);
            // Fast path at the declared scale s: u / 10^s is the value when that quotient rounds back
            // to the same double (division is correctly rounded, and 10^s and |u| < 10^15 are exact).
            if (const int s = declared_scale(c); s >= 0 && s <= 15) {
                static constexpr double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                                    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
                const double u = std::nearbyint(real * powers[s]);
                if (std::fabs(u) < 1e15 && u / powers[s] == real)
                    return sluice::decimal::from_unscaled(static_cast<std::int64_t>(u), s);
            }
            char text[512];  // the fixed form of any finite double fits
            const auto [end, ec] = std::to_chars(text, text + sizeof text, real, std::chars_format::fixed);
            if (ec != std::errc{} || !sluice::decimal::parse(std::string_view(text, static_cast<std::size_t>(end - text)), d))
                wrong_storage(v, "a decimal of at most 38 digits");
            // The shortest text of a double with more than 15 significant digits is no decimal
            // anyone wrote (0.1 + 0.2 is 0.30000000000000004): SQLite computed it in floating
            // point (SUM, AVG, arithmetic), and the exact value is unknown.
            int significant = 0;
            for (sluice::int128_t u = d.unscaled() < 0 ? -d.unscaled() : d.unscaled(); u != 0; u /= 10) ++significant;
            if (significant > 15)
                wrong_storage(v, "an exact decimal (a REAL of at most 15 significant digits; SQLite computes SUM and AVG "
                                 "of DECIMAL columns in floating point)");
            break;
        }
        case SQLITE_TEXT:
            if (!sluice::decimal::parse(get_text(c), d)) wrong_storage(v, "decimal digits");
            break;
        default: wrong_storage(v, "a decimal");
        }
        // Shown with the declared scale, as MariaDB shows it: 3 from DECIMAL(5,2) reads as 3.00.
        const int scale = declared_scale(c);
        if (scale > d.scale() && d.integer_digits() + scale <= sluice::decimal::max_digits) d = d.with_scale(scale);
        return d;
    }

private:
    static constexpr int unknown_scale = -2;
    // The s of a result column declared DECIMAL(p,s) or NUMERIC(p,s); -1 for anything else.
    int declared_scale(int c) {
        int& scale = declared_scales_[static_cast<std::size_t>(c)];
        if (scale != unknown_scale) return scale;
        scale = -1;
        const char* declared = sqlite3_column_decltype(s, c);
        const std::string_view type = declared ? declared : "";
        const std::size_t comma = type.find(','), close = type.find(')');
        if (comma != std::string_view::npos && close != std::string_view::npos && comma < close) {
            std::string_view digits = type.substr(comma + 1, close - comma - 1);  // " 2 " in DECIMAL(10, 2 )
            while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
            while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
            int value = 0;
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
            if (ec == std::errc{} && end == digits.data() + digits.size() && value >= 0 && value <= 38) scale = value;
        }
        return scale;
    }
    sqlite3_value* cell(int c) {
        const auto i = static_cast<std::size_t>(c);
        if (fetched_row_[i] != row_) {
            cells_[i] = sqlite3_column_value(s, c);
            fetched_row_[i] = row_;
        }
        return cells_[i];
    }

    std::vector<sqlite3_value*> cells_;
    std::vector<std::uint64_t> fetched_row_;  // the row each cell was fetched for
    std::vector<int> declared_scales_;
    std::uint64_t row_ = 1;
};

}  // namespace sluice::detail::sqlite_rows
