// Private: SQL for query<T> terminal operations and keyset pages. Pure functions: each appends
// SQL text and the values it binds, in placeholder order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/query_spec.hpp>

#include "dialect.hpp"

namespace sluice::detail {

struct rendered {
    std::string sql;
    std::vector<value_ref> params;
};

void render_expr(const dialect& d, const table_info& t, const expr_node& n, rendered& out);
// " WHERE <filter>" (or nothing); `extra` (a keyset predicate), when given, comes first.
void render_where(const dialect& d, const query_spec& q, rendered& out, const rendered* extra = nullptr);
// " ORDER BY k1 [DESC], ..., <pk columns>" with the primary key appended as the tiebreak.
void render_order(const dialect& d, const query_spec& q, rendered& out);
// `after`, when given, is a keyset predicate that leads the WHERE (a resumed query).
rendered render_select(const dialect& d, const query_spec& q, const std::vector<std::size_t>& columns,
                       std::vector<std::uint64_t>& limit_storage, const rendered* after = nullptr);
rendered render_count(const dialect& d, const query_spec& q, std::vector<std::uint64_t>& limit_storage,
                      const rendered* after = nullptr);
rendered render_update(const dialect& d, const query_spec& q, const std::vector<std::pair<std::size_t, value>>& sets);
rendered render_delete(const dialect& d, const query_spec& q);

// The keys a keyset page orders by: the query's order terms, then every primary key column not
// already among them, in the direction of the first order term (so one index serves the scan).
std::vector<order_term> keyset_terms(const query_spec& q);

// "After last_key" in scan order, as one predicate: the expanded form with a redundant leading
// bound (see dialect::keyset_branches).
void render_keyset(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                   const std::vector<value>& last_key, rendered& out);
// Branch `level` of "after last_key": equal on keys 0..level-1, strictly after on key `level`.
// Branches terms.size()-1 down to 0 cover "after last_key" in scan order, disjointly. "Strictly
// after" on a descending NULLable key after a non-NULL value is two ranges (c < ?, then the
// NULLs, which sort last): `part` 0 and 1 (keyset_branch_parts says 2). Returns false (rendering
// nothing) for an empty branch.
std::size_t keyset_branch_parts(const table_info& t, const std::vector<order_term>& terms,
                                const std::vector<value>& last_key, std::size_t level);
bool render_keyset_branch(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                          const std::vector<value>& last_key, std::size_t level, rendered& out, std::size_t part = 0);
// One keyset page: "after last_key" (or only its branch `branch`, part `part`; nothing for the
// first page, when last_key is empty) AND the filters, ORDER BY terms, LIMIT limit. `columns`
// selects those columns only (empty: the whole model).
rendered render_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                     const std::vector<value>& last_key, const std::uint64_t& limit,
                     const std::vector<std::size_t>& columns = {}, std::optional<std::size_t> branch = std::nullopt,
                     std::size_t part = 0);

}  // namespace sluice::detail
