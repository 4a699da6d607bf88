// Arithmetic expressions to SQL: operands and operators through the dialect, set() values range-checked where the server does not.
#include "sql/render_arith.hpp"

#include <cfloat>
#include <cstdint>

#include <sluice/error.hpp>

namespace sluice::detail {
namespace {

// The range a column of this kind holds, as the bounds sluice_fit() compares with: integers for
// integer columns (64-bit unsigned: what SQLite's signed integers hold), doubles for floating point.
std::pair<value_ref, value_ref> column_range(const table_info& t, const column_info& c) {
    using i64 = std::int64_t;
    switch (c.kind) {
    case column_kind::int8: return {i64{INT8_MIN}, i64{INT8_MAX}};
    case column_kind::int16: return {i64{INT16_MIN}, i64{INT16_MAX}};
    case column_kind::int32: return {i64{INT32_MIN}, i64{INT32_MAX}};
    case column_kind::int64: return {i64{INT64_MIN}, i64{INT64_MAX}};
    case column_kind::uint8: return {i64{0}, i64{UINT8_MAX}};
    case column_kind::uint16: return {i64{0}, i64{UINT16_MAX}};
    case column_kind::uint32: return {i64{0}, i64{UINT32_MAX}};
    case column_kind::uint64: return {i64{0}, i64{INT64_MAX}};
    case column_kind::float32: return {double{-FLT_MAX}, double{FLT_MAX}};
    case column_kind::float64: return {-DBL_MAX, DBL_MAX};
    default:
        throw error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" + std::string(to_string(c.kind)) +
                    "): an arithmetic expression cannot be assigned to it");
    }
}

}  // namespace

void render_arith(const dialect& d, const scope& t, const expr_node& n, bool assigned, rendered& out) {
    switch (n.op) {
    case expr_op::arith_column: {
        out.sql += d.arith_column(t.name(d, n.model, n.column), t.column(n.model, n.column).kind);
        return;
    }
    case expr_op::arith_value:
        out.sql += d.arith_value(std::holds_alternative<double>(n.values.at(0)));
        out.params.push_back(as_ref(n.values.at(0)));
        return;
    case expr_op::add: case expr_op::subtract: case expr_op::multiply: case expr_op::divide: case expr_op::int_divide:
    case expr_op::negative: case expr_op::to_real: {
        // Operands render on their own, then the dialect joins them (lhs's values bind first).
        rendered lhs, rhs;
        render_arith(d, t, n.children.at(0), assigned, lhs);
        if (n.children.size() > 1) render_arith(d, t, n.children.at(1), assigned, rhs);
        out.sql += d.arith(n.op, lhs.sql, rhs.sql, assigned);
        out.params.insert(out.params.end(), lhs.params.begin(), lhs.params.end());
        out.params.insert(out.params.end(), rhs.params.begin(), rhs.params.end());
        return;
    }
    default: arith_refused(n.op);
    }
}

void render_assigned(const dialect& d, const table_info& t, std::size_t column, const expr_node& expr, rendered& out) {
    const std::string_view check = d.assigned_range_check();
    if (check.empty()) {
        render_arith(d, t, expr, true, out);
        return;
    }
    const column_info& c = t.columns.at(column);
    const auto [low, high] = column_range(t, c);
    out.sql += check;
    out.sql += '(';
    render_arith(d, t, expr, true, out);
    out.sql += ", ?, ?, ?)";
    out.params.push_back(low);
    out.params.push_back(high);
    out.params.emplace_back(c.name);  // for the message
}

void arith_columns(const expr_node& n, std::vector<std::size_t>& out) {
    if (n.op == expr_op::arith_column) out.push_back(n.column);
    for (const expr_node& child : n.children) arith_columns(child, out);
}

}  // namespace sluice::detail
