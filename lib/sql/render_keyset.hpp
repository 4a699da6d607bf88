// Private: keyset pagination in SQL: the scan's order keys, "after the last key" as one predicate
// or branch by branch, and the bounded SELECT of one page.
#pragma once

#include <optional>
#include <vector>

#include <sluice/detail/query_spec.hpp>

#include "sql/dialect.hpp"
#include "sql/rendered.hpp"
#include "sql/scope.hpp"

namespace sluice::detail {

// The keys a keyset page orders by: the query's order terms, then every primary key column not
// already among them, in the direction of the first order term (so one index serves the scan).
// A join adds each joined model's key after the query's own (one row of the query's model may
// match many), except for a model its ON condition pins to one row (joined_model_pinned).
std::vector<order_term> keyset_terms(const query_spec& q);
// Whether join `model`'s ON condition matches at most one of its rows for each row of the models
// before it: its top-level AND fixes every primary key column with = to another model's column, of
// a kind whose equality is exact (integers, dates, times, decimals, enums; not text, which a
// collation may equate with several keys, nor floating point).
bool joined_model_pinned(const query_spec& q, std::size_t model);

// "After last_key" in scan order (or at or after it, `through`), as one predicate: the expanded
// form with a redundant leading bound (see dialect::keyset_branches). "At or before" a key is
// through it with every term's direction reversed.
void render_keyset(const dialect& d, const scope& t, const std::vector<order_term>& terms,
                   const std::vector<value>& last_key, rendered& out, bool through = false);
// Branch `level` of "after last_key": equal on keys 0..level-1, strictly after on key `level`.
// Branches terms.size()-1 down to 0 cover "after last_key" in scan order, disjointly. "Strictly
// after" on a descending NULLable key after a non-NULL value is two ranges (c < ?, then the
// NULLs, which sort last): parts 0 and 1, which keyset_branch_parts counts.
std::size_t keyset_branch_parts(const scope& t, const std::vector<order_term>& terms,
                                const std::vector<value>& last_key, std::size_t level);
// Renders branch `level`, part `part`; false (rendering nothing) for an empty branch.
bool render_keyset_branch(const dialect& d, const scope& t, const std::vector<order_term>& terms,
                          const std::vector<value>& last_key, std::size_t level, rendered& out, std::size_t part = 0);
// One keyset page: "after last_key" (or only its branch `branch`, part `part`; nothing for the
// first page, when last_key is empty) AND the filters, ORDER BY terms, LIMIT limit. `columns`
// selects those columns only (empty: the whole model).
rendered render_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                     const std::vector<value>& last_key, std::uint64_t limit,
                     const std::vector<std::size_t>& columns = {}, std::optional<std::size_t> branch = std::nullopt,
                     std::size_t part = 0);
// The same page with its position given as a rendered predicate (`bounds`; empty: none).
rendered render_bounded_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                             const rendered& bounds, std::uint64_t limit, const std::vector<std::size_t>& columns = {});

}  // namespace sluice::detail
