// Private: SQL text for DDL and single-row statements. Pure functions of the dialect and the
// table description; values never appear in the text, only `?` placeholders.
#pragma once

#include <string>
#include <vector>

#include "dialect.hpp"

namespace sluice::detail {

std::vector<std::string> render_create_table(const dialect& d, const table_info& t);
std::string render_drop_table(const dialect& d, const table_info& t);
// "`a`, `b`, ..." in model order.
std::string render_column_list(const dialect& d, const table_info& t);
// INSERT of `rows` rows; the auto-increment key is left out when `with_key` is false.
std::string render_insert(const dialect& d, const table_info& t, bool with_key, std::size_t rows = 1);
std::string render_upsert(const dialect& d, const table_info& t, bool with_key, std::size_t rows = 1);
// "`k1` = ? AND `k2` = ?"
std::string render_key_match(const dialect& d, const table_info& t);
std::string render_select_by_key(const dialect& d, const table_info& t);
std::string render_update_by_key(const dialect& d, const table_info& t);
std::string render_delete_by_key(const dialect& d, const table_info& t);

}  // namespace sluice::detail
