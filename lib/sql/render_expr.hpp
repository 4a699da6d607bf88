// Private: predicate trees to SQL. Pure functions: each appends SQL text and the values it binds,
// in placeholder order.
#pragma once

#include <sluice/detail/query_spec.hpp>

#include "sql/dialect.hpp"
#include "sql/rendered.hpp"
#include "sql/scope.hpp"

namespace sluice::detail {

// " = ", " <> ", " < ", " <= ", " > ", " >= " for eq..ge; nullptr for any other operator.
const char* comparison(expr_op op);
// Columns are named through `s`: bare for one table, alias-qualified in a join.
void render_expr(const dialect& d, const scope& s, const expr_node& n, rendered& out);
// " WHERE <filter>" (or nothing); `extra` (a keyset predicate or key range), when given, comes first.
void render_where(const dialect& d, const query_spec& q, rendered& out, const rendered* extra = nullptr);
// The primary key compared with `key` as a tuple ((k0, k1) > (v0, v1) for tuple_gt, ...):
// the key ranges of partitions and batches, rendered per dialect (see dialect::row_value_bounds).
expr_node key_tuple_bound(const table_info& t, expr_op op, const std::vector<value>& key);

}  // namespace sluice::detail
