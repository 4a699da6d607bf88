// Exact DECIMAL aggregates for SQLite, whose SUM and AVG of REALs are floating point:
// sluice_decimal_sum(x), sluice_decimal_avg(x, scale) and sluice_decimal_cmp(a, b).
#include "backend/sqlite/decimal_functions.hpp"

#include <sqlite3.h>

#include <charconv>
#include <cstring>
#include <algorithm>
#include <memory>
#include <new>
#include <utility>
#include <stdexcept>
#include <string>

#include <sluice/decimal.hpp>

namespace sluice::detail {
namespace {

// A stored value as an exact decimal; false for NULL. A REAL is exact only with at most 15
// significant digits (what sluice writes); anything else SQLite computed and is refused.
bool exact_decimal(sqlite3_value* v, sluice::decimal& out, std::string& error) {
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: return false;
    case SQLITE_INTEGER: out = sluice::decimal(static_cast<std::int64_t>(sqlite3_value_int64(v))); return true;
    case SQLITE_FLOAT: {
        char text[512];
        const auto [end, ec] = std::to_chars(text, text + sizeof text, sqlite3_value_double(v), std::chars_format::fixed);
        if (ec == std::errc{} && sluice::decimal::parse(std::string_view(text, static_cast<std::size_t>(end - text)), out)) {
            int significant = 0;
            for (sluice::int128_t u = out.unscaled() < 0 ? -out.unscaled() : out.unscaled(); u != 0; u /= 10) ++significant;
            if (significant <= 15) return true;
        }
        error = "sluice: a DECIMAL value stored as a REAL of more than 15 significant digits is not exact";
        throw std::invalid_argument(error);
    }
    case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
        if (sluice::decimal::parse(std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v))), out)) return true;
        error = "sluice: a DECIMAL column holds text that is not a number";
        throw std::invalid_argument(error);
    }
    default:
        error = "sluice: a DECIMAL column holds a blob";
        throw std::invalid_argument(error);
    }
}

struct accumulator {
    sluice::decimal sum;
    std::int64_t count = 0;
    int scale = 0;  // avg: the column's declared scale
    bool failed = false;
};

// sqlite3_aggregate_context's memory is zeroed and 8-byte aligned, too little for a decimal's
// 128-bit integer: it holds a pointer to the accumulator, freed by the final call.
accumulator* state_of(sqlite3_context* ctx, bool create) {
    auto** slot = static_cast<accumulator**>(sqlite3_aggregate_context(ctx, create ? static_cast<int>(sizeof(accumulator*)) : 0));
    if (!slot) return nullptr;
    if (!*slot && create) *slot = new (std::nothrow) accumulator{};
    return *slot;
}

// Takes the accumulator from the context (the final call owns it).
std::unique_ptr<accumulator> take_state(sqlite3_context* ctx) {
    auto** slot = static_cast<accumulator**>(sqlite3_aggregate_context(ctx, 0));
    if (!slot) return nullptr;
    return std::unique_ptr<accumulator>(std::exchange(*slot, nullptr));
}

void add_value(sqlite3_context* ctx, accumulator* a, sqlite3_value* v) {
    if (a->failed) return;
    std::string error;
    try {
        sluice::decimal d;
        if (!exact_decimal(v, d, error)) return;
        a->sum += d;  // throws past 38 digits
        ++a->count;
    } catch (const std::exception& e) {
        a->failed = true;
        sqlite3_result_error(ctx, error.empty() ? e.what() : error.c_str(), -1);
    }
}

void sum_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
    accumulator* a = state_of(ctx, true);
    if (!a) return sqlite3_result_error_nomem(ctx);
    add_value(ctx, a, argv[0]);
}

void avg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
    accumulator* a = state_of(ctx, true);
    if (!a) return sqlite3_result_error_nomem(ctx);
    a->scale = static_cast<int>(sqlite3_value_int64(argv[1]));
    add_value(ctx, a, argv[0]);
}

void result_decimal(sqlite3_context* ctx, const sluice::decimal& d) {
    const std::string text = d.to_string();
    sqlite3_result_text(ctx, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void sum_final(sqlite3_context* ctx) {
    const std::unique_ptr<accumulator> a = take_state(ctx);
    if (!a || a->count == 0) return sqlite3_result_null(ctx);
    if (a->failed) return sqlite3_result_error(ctx, "sluice: sum of DECIMAL values failed", -1);
    result_decimal(ctx, a->sum);
}

sluice::int128_t power_of_ten(int n) {
    sluice::int128_t p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

// The exact mean rounded half away from zero to scale + 4 places, as MariaDB's AVG of a
// DECIMAL(p, scale) column (div_precision_increment 4): round(sum * 10^target / count).
void avg_final(sqlite3_context* ctx) {
    const std::unique_ptr<accumulator> a = take_state(ctx);
    if (!a || a->count == 0) return sqlite3_result_null(ctx);
    if (a->failed) return sqlite3_result_error(ctx, "sluice: average of DECIMAL values failed", -1);
    try {
        const int target = std::min(a->scale + 4, 30);
        const int have = a->sum.scale();
        sluice::int128_t numerator = a->sum.unscaled(), denominator = a->count;
        if (target >= have) numerator = a->sum.with_scale(target).unscaled();
        else denominator *= power_of_ten(have - target);
        sluice::int128_t q = numerator / denominator, r = numerator % denominator;
        if (r < 0) r = -r;
        if (2 * r >= denominator) q += numerator < 0 ? -1 : 1;
        result_decimal(ctx, sluice::decimal::from_unscaled(q, target));
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

// -1, 0 or 1 as a < b, a == b, a > b, exactly; NULL if either is NULL.
void compare(sqlite3_context* ctx, int, sqlite3_value** argv) {
    std::string error;
    try {
        sluice::decimal a, b;
        if (!exact_decimal(argv[0], a, error) || !exact_decimal(argv[1], b, error)) return sqlite3_result_null(ctx);
        const auto order = a <=> b;
        sqlite3_result_int(ctx, order < 0 ? -1 : order > 0 ? 1 : 0);
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, error.empty() ? e.what() : error.c_str(), -1);
    }
}

}  // namespace

bool install_decimal_functions(void* connection) {
    auto* db = static_cast<sqlite3*>(connection);
    return sqlite3_create_function_v2(db, "sluice_decimal_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr, sum_step,
                                      sum_final, nullptr) == SQLITE_OK &&
           sqlite3_create_function_v2(db, "sluice_decimal_avg", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr, avg_step,
                                      avg_final, nullptr) == SQLITE_OK &&
           sqlite3_create_function_v2(db, "sluice_decimal_cmp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, compare, nullptr,
                                      nullptr, nullptr) == SQLITE_OK;
}

}  // namespace sluice::detail
