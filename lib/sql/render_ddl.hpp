// Private: DDL for a model's table. Pure functions of the dialect and the table description.
#pragma once

#include <string>
#include <vector>

#include "sql/dialect.hpp"

namespace sluice::detail {

// CREATE TABLE IF NOT EXISTS, then one CREATE INDEX per declared index.
std::vector<std::string> render_create_table(const dialect& d, const table_info& t);
std::string render_drop_table(const dialect& d, const table_info& t);

}  // namespace sluice::detail
