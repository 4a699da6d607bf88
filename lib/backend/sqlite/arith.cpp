// SQLite functions that compute arithmetic as C++ does on 64-bit integers and doubles, and fail where MariaDB fails.
// SQLite's own operators turn an integer overflow into a REAL, a floating-point overflow into Inf
// and a division by zero into NULL; MariaDB (strict mode, which sluice sets) fails the statement
// instead. These functions fail the same way, so that both backends store the same values or
// refuse the same statements.
#include "backend/sqlite/arith.hpp"

#include <sqlite3.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>

namespace sluice::detail {
namespace {

enum class op { add, sub, mul, div, div_or_fail };

void fail(sqlite3_context* ctx, const std::string& message) { sqlite3_result_error(ctx, message.c_str(), -1); }

// Integer and REAL operands as themselves; text and blobs are not numbers here.
bool numeric(sqlite3_context* ctx, sqlite3_value* v) {
    const int type = sqlite3_value_numeric_type(v);
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) return true;
    fail(ctx, "sluice: arithmetic on a value that is not a number");
    return false;
}

const char* symbol(op o) {
    switch (o) {
    case op::add: return " + ";
    case op::sub: return " - ";
    case op::mul: return " * ";
    default: return " / ";
    }
}

void compute(sqlite3_context* ctx, sqlite3_value* a, sqlite3_value* b, op o) {
    if (sqlite3_value_type(a) == SQLITE_NULL || sqlite3_value_type(b) == SQLITE_NULL) return sqlite3_result_null(ctx);
    if (!numeric(ctx, a) || !numeric(ctx, b)) return;
    const bool divides = o == op::div || o == op::div_or_fail;
    if (sqlite3_value_numeric_type(a) == SQLITE_INTEGER && sqlite3_value_numeric_type(b) == SQLITE_INTEGER) {
        const std::int64_t x = sqlite3_value_int64(a);
        const std::int64_t y = sqlite3_value_int64(b);
        std::int64_t r = 0;
        bool overflow = false;
        if (divides && y == 0) {
            if (o == op::div) return sqlite3_result_null(ctx);
            return fail(ctx, "sluice: division by zero");
        }
        switch (o) {
        case op::add: overflow = __builtin_add_overflow(x, y, &r); break;
        case op::sub: overflow = __builtin_sub_overflow(x, y, &r); break;
        case op::mul: overflow = __builtin_mul_overflow(x, y, &r); break;
        default:
            overflow = x == INT64_MIN && y == -1;
            if (!overflow) r = x / y;  // truncates toward zero, as C++ and MariaDB's DIV do
            break;
        }
        if (overflow)
            return fail(ctx, "sluice: integer overflow: " + std::to_string(x) + symbol(o) + std::to_string(y) +
                                 " does not fit a signed 64-bit integer");
        return sqlite3_result_int64(ctx, r);
    }
    const double x = sqlite3_value_double(a);
    const double y = sqlite3_value_double(b);
    if (divides && y == 0) {
        if (o == op::div) return sqlite3_result_null(ctx);
        return fail(ctx, "sluice: division by zero");
    }
    const double r = o == op::add ? x + y : o == op::sub ? x - y : o == op::mul ? x * y : x / y;
    if (!std::isfinite(r)) return fail(ctx, "sluice: floating-point overflow: the result is not a finite double");
    sqlite3_result_double(ctx, r);
}

template <op O> void binary(sqlite3_context* ctx, int, sqlite3_value** argv) { compute(ctx, argv[0], argv[1], O); }

void negate(sqlite3_context* ctx, int, sqlite3_value** argv) {
    sqlite3_value* a = argv[0];
    if (sqlite3_value_type(a) == SQLITE_NULL) return sqlite3_result_null(ctx);
    if (!numeric(ctx, a)) return;
    if (sqlite3_value_numeric_type(a) == SQLITE_INTEGER) {
        const std::int64_t x = sqlite3_value_int64(a);
        if (x == INT64_MIN) return fail(ctx, "sluice: integer overflow: -(" + std::to_string(x) + ") does not fit a signed 64-bit integer");
        return sqlite3_result_int64(ctx, -x);
    }
    sqlite3_result_double(ctx, -sqlite3_value_double(a));
}

// sluice_fit(x, lo, hi, column): x when it fits the column's range, else an error naming the column.
// Integer bounds take integers only (a REAL there came from a floating-point operand); REAL
// bounds take any number, as a REAL.
void fit(sqlite3_context* ctx, int, sqlite3_value** argv) {
    sqlite3_value* x = argv[0];
    if (sqlite3_value_type(x) == SQLITE_NULL) return sqlite3_result_null(ctx);
    if (!numeric(ctx, x)) return;
    const auto* name = reinterpret_cast<const char*>(sqlite3_value_text(argv[3]));
    const std::string column = name ? name : "?";
    if (sqlite3_value_type(argv[1]) == SQLITE_INTEGER) {
        const std::int64_t lo = sqlite3_value_int64(argv[1]);
        const std::int64_t hi = sqlite3_value_int64(argv[2]);
        if (sqlite3_value_numeric_type(x) == SQLITE_INTEGER) {
            const std::int64_t v = sqlite3_value_int64(x);
            if (v >= lo && v <= hi) return sqlite3_result_int64(ctx, v);
            return fail(ctx, "sluice: out of range value for column '" + column + "': " + std::to_string(v) + " is not in " +
                                 std::to_string(lo) + ".." + std::to_string(hi));
        }
        return fail(ctx, "sluice: out of range value for column '" + column + "': a floating-point value for an integer column");
    }
    const double v = sqlite3_value_double(x);
    const double hi = sqlite3_value_double(argv[2]);
    if (!(v >= sqlite3_value_double(argv[1]) && v <= hi)) return fail(ctx, "sluice: out of range value for column '" + column + "'");
    // A float column (its bound is FLT_MAX) holds the value rounded to float, as MariaDB's FLOAT
    // stores it; SQLite would keep the double.
    if (hi == static_cast<double>(FLT_MAX)) return sqlite3_result_double(ctx, static_cast<double>(static_cast<float>(v)));
    sqlite3_result_double(ctx, v);
}

}  // namespace

bool install_arith_functions(void* sqlite_connection) {
    auto* db = static_cast<sqlite3*>(sqlite_connection);
    using function = void (*)(sqlite3_context*, int, sqlite3_value**);
    struct entry {
        const char* name;
        int args;
        function fn;
    };
    const entry functions[] = {
        {"sluice_add", 2, binary<op::add>}, {"sluice_sub", 2, binary<op::sub>},
        {"sluice_mul", 2, binary<op::mul>}, {"sluice_div", 2, binary<op::div>},
        {"sluice_div_or_fail", 2, binary<op::div_or_fail>}, {"sluice_neg", 1, negate},
        {"sluice_fit", 4, fit},
    };
    for (const entry& f : functions)
        if (sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, f.fn, nullptr, nullptr,
                                       nullptr) != SQLITE_OK)
            return false;
    return true;
}

}  // namespace sluice::detail
