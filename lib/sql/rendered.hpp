// Private: a rendered statement or fragment, SQL text and the values its placeholders bind.
#pragma once

#include <string>
#include <vector>

#include <sluice/types.hpp>

namespace sluice::detail {

// Values are references: into the query spec, the model objects or storage the caller keeps
// alive until the statement has run.
struct rendered {
    std::string sql;
    std::vector<value_ref> params;
};

}  // namespace sluice::detail
