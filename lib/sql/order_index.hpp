// Private: whether an index serves a keyset scan's order, judged from the table's indexes (the
// plan check, session::set_plan_check). Pure: the indexes come from the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/query_spec.hpp>

#include "sql/dialect.hpp"

namespace sluice::detail {

struct index_part {
    std::string column;   // empty: not a plain column (an expression, a rowid no column names)
    bool descending = false;
    bool whole = true;    // false: a prefix of the column (MariaDB's TEXT(255)), which gives no order
    bool key = true;      // false: the suffix SQLite lists after an index's own columns (rowid, primary key)
};

struct table_index {
    std::string name;
    bool unique = false;
    bool usable = true;   // a B-tree over every row (not a partial, hash or full-text index)
    std::vector<index_part> parts;
};

// nullopt when the rows come out of an index in `terms` order after the columns the filter fixes
// to one value (its top-level AND terms column = value, IN of one value, IS NULL), in either
// direction, so that a page reads only its own rows; or when the fixed columns pin the primary
// key or a unique index (one row at most). Else the message: the table, the order, and the index
// to add. Each index's implicit key suffix is as the dialect says (dialect::index_suffix_listed).
std::optional<std::string> missing_order_index(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                                               const expr_node* filter, const std::vector<table_index>& indexes);

}  // namespace sluice::detail
