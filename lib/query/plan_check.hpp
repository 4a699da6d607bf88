// Private: the plan check of a yield_per/batches scan (session::set_plan_check).
#pragma once

#include "session/session_impl.hpp"

namespace sluice::detail {

// Reads the table's indexes and judges whether one serves the scan's order (see
// missing_order_index); per impl.plan, a finding becomes the next statement's warning (the
// first page's) or a sluice::error. Nothing where the check is off or the dialect cannot see the
// table's indexes (a Spider table).
void check_scan_order(session_impl& impl, const dialect& d, const query_spec& q, const std::vector<order_term>& terms);

}  // namespace sluice::detail
