// The non-template description of a query: what query<T> builds and lib/ renders and runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/function_ref.hpp>
#include <sluice/expr.hpp>
#include <sluice/model.hpp>

namespace sluice {
class session;

namespace detail {

struct order_term {
    std::size_t column;
    bool descending;
};

struct query_spec {
    const table_info* table = nullptr;
    // Shared and immutable: copying a query (every chained call does) copies a pointer.
    std::shared_ptr<const expr_node> filter;
    std::vector<order_term> order;
    std::optional<std::uint64_t> limit;
    std::optional<std::uint64_t> offset;
    // Where a yield_per/batches scan resumes (a token from an earlier scan of the same query).
    std::optional<std::string> resume;
};

using row_sink = function_ref<void(row_reader&)>;

// Runs SELECT <columns> for the spec; columns are the model's, or `columns` when not empty.
SLUICE_API void run_select(session& s, const query_spec& q, const std::vector<std::size_t>& columns, row_sink sink);
SLUICE_API std::uint64_t run_count(session& s, const query_spec& q);
SLUICE_API bool run_exists(session& s, const query_spec& q);
SLUICE_API std::uint64_t run_update(session& s, const query_spec& q, const std::vector<std::pair<std::size_t, value>>& sets);
SLUICE_API std::uint64_t run_remove(session& s, const query_spec& q);
// Reads the model's columns (in model order) from the row into obj.
SLUICE_API void read_row(const table_info& t, row_reader& row, void* obj);
// Reads one selected column into a field, with table and column in any error.
SLUICE_API void read_column(const table_info& t, std::size_t column, row_reader& row, int position, void* field,
                            void (*read)(void*, row_reader&, int));

}  // namespace detail
}  // namespace sluice
