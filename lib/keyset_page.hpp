// Private: reading one keyset page in the statement shape the dialect wants.
#pragma once

#include "render_query.hpp"
#include "session_impl.hpp"

namespace sluice::detail {

// Runs the page of at most `limit` rows after last_key (the first page when it is empty) and
// hands each row to on_row, in scan order; returns the rows read. With a dialect that reads
// branch by branch (dialect::keyset_branches), the branches run most specific first until the
// page is full. `columns` as for render_page.
std::uint64_t read_keyset_page(session_impl& impl, const dialect& d, const query_spec& q,
                               const std::vector<order_term>& terms, const std::vector<value>& last_key,
                               std::uint64_t limit, const std::vector<std::size_t>& columns, row_callback on_row);

}  // namespace sluice::detail
