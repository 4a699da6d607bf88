// Private: the one shape of an error about a column, "sluice: table.column (kind): what".
#pragma once

#include <string>
#include <string_view>

#include <sluice/model.hpp>

namespace sluice::detail {

// `show_nullable` adds ", nullable" after the kind for a nullable column (read errors, where
// it tells whether NULL was allowed).
std::string column_message(const table_info& t, const column_info& c, std::string_view what, bool show_nullable = false);

}  // namespace sluice::detail
