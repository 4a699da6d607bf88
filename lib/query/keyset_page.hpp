// Private: reading one keyset page in the statement shape the dialect wants.
#pragma once

#include "sql/render_expr.hpp"
#include "sql/render_keyset.hpp"
#include "sql/render_statements.hpp"
#include "session/session_impl.hpp"

namespace sluice::detail {

// Runs the page of at most `limit` rows after last_key (the first page when it is empty) and
// hands each row to on_row, in scan order; returns the rows read. With a dialect that reads
// branch by branch (dialect::keyset_branches), the branches run most specific first until the
// page is full. `columns` as for render_page. A one-to-many join read in chunks
// (dialect::bounded_join_chunks) sizes them by `join_chunk`, which it keeps up to date from page
// to page (0: start at `limit` rows of the query's own table).
std::uint64_t read_keyset_page(session_impl& impl, const dialect& d, const query_spec& q,
                               const std::vector<order_term>& terms, const std::vector<value>& last_key,
                               std::uint64_t limit, const std::vector<std::size_t>& columns, row_callback on_row,
                               std::uint64_t* join_chunk = nullptr);

// The order keys whose values the server may sort inexactly (text and blob on MariaDB, see
// connection::exact_sort_bytes), with the longest value it sorts exactly.
struct long_key_check {
    std::size_t column;
    std::size_t max_bytes;
    std::size_t level;  // its position among the scan's order terms
    bool descending;
    std::size_t model = 0;  // whose column (a join's order keys may be any model's)
};
std::vector<long_key_check> long_key_checks(const connection& c, const dialect& d, const scope& s,
                                            const std::vector<order_term>& terms);
// Throws sluice::error naming the column when the server cannot sort a value exactly (too long,
// or ending in a NUL byte, which MariaDB's sort keys pad with): a page or result that holds one
// may be out of order or missing rows, so it is refused, never returned.
void require_exact_order(const scope& s, const long_key_check& check, const value_ref& key);
// Throws the same error when a row the filters match has, at a checked term, a value that differs
// from key's only by trailing NUL bytes (and the terms before it equal): MariaDB's sort under
// LIMIT ties the two. Where `key` ends a page or result, only descending terms can have lost such
// a row (it sorts before the key but came after it, and the next page starts past the key); an
// ascending term's twin sorts after the key, and comes in a later page, where it ends in NUL and
// require_exact_order refuses it. Where `key` starts a LIMIT/OFFSET window (`window_start`), a twin
// may have been skipped in either direction. One bounded probe per term checked.
void require_no_sort_ties(session_impl& impl, const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                          const std::vector<long_key_check>& checks, const std::vector<value>& key, bool window_start);

}  // namespace sluice::detail
