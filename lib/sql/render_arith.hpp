// Private: arithmetic expressions (numeric_expr) to SQL, for set() values and where() operands.
// Pure functions: each appends SQL text and the values it binds, in placeholder order.
#pragma once

#include <vector>

#include "sql/dialect.hpp"
#include "sql/rendered.hpp"
#include "sql/scope.hpp"

namespace sluice::detail {

// An arithmetic node: arith_column, arith_value, or an operator over them. `assigned`: the value
// of a set(), where a division by zero fails the statement (see dialect::arith).
void render_arith(const dialect& d, const scope& s, const expr_node& n, bool assigned, rendered& out);
// The value of set(column, expression): the expression, checked to fit the column where the
// server would not check it (dialect::assigned_range_check).
void render_assigned(const dialect& d, const table_info& t, std::size_t column, const expr_node& expr, rendered& out);
// The columns an arithmetic node reads, appended to `out`.
void arith_columns(const expr_node& n, std::vector<std::size_t>& out);

}  // namespace sluice::detail
