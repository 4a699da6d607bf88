// The non-template description of a query: what query<T> builds and lib/ renders and runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/function_ref.hpp>
#include <sluice/expr.hpp>
#include <sluice/model.hpp>
#include <sluice/options.hpp>

namespace sluice {
class session;

namespace detail {

class session_impl;

// What a query or a scan holds of its session: the session's state follows a moved session,
// and `alive` expires when the session is destroyed, so using a query or scan after that is a
// clear error rather than a dangling pointer.
struct session_handle {
    session_impl* impl = nullptr;
    std::weak_ptr<const void> alive;
    // The session's state; throws sluice::error naming the table once the session is gone.
    SLUICE_API session_impl& get(const table_info& t) const;
};

struct order_term {
    std::size_t column;
    bool descending;
    std::uint8_t model = 0;  // as expr_node::model: 0 the query's own, then a join's models in order
};

// A model a query joins: its table, inner or left, and the ON condition (over the models before
// it and itself).
struct join_clause {
    const table_info* table = nullptr;
    bool left = false;
    std::shared_ptr<const expr_node> on;
};

// Where each model of a join's row object lives (a std::tuple of the models, the left-joined
// ones as std::optional), for the compiled code that fills rows and reads their keys.
struct model_slot {
    void* (*emplace)(void* row);           // the model's object, constructed (an optional engaged)
    void (*clear)(void* row);              // a left join without a match: the optional emptied; nullptr for inner
    const void* (*get)(const void* row);   // the model's object, or nullptr while its optional is empty
};
struct row_layout {
    std::vector<model_slot> slots;  // one per model, the query's own first
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
    // yield_per/batches read every page inside one read-only transaction on a connection of
    // their own: a point-in-time view of the whole scan (see query::consistent_snapshot).
    bool snapshot = false;
    // A projection's yield_per/batches: read only these columns (and the scan's keys) into the
    // model objects of the page buffer; empty: every column.
    std::vector<std::size_t> columns;
    // yield_per/batches on MariaDB outside a transaction: the next page's statement is sent as soon
    // as a page is read (see query::prefetch).
    bool prefetch = true;
    // A join: the models after `table`, and the row object holding them all (nullptr: rows are
    // objects of `table`).
    std::vector<join_clause> joins;
    const row_layout* layout = nullptr;
};

using row_sink = function_ref<void(row_reader&)>;

// k specs, each the query restricted to a range of the primary key, together covering every
// matching row exactly once; boundaries are real key values at evenly spaced row positions.
SLUICE_API std::vector<query_spec> partition_specs(const session_handle& s, const query_spec& q, std::size_t k);

// update_in_batches / remove_in_batches: `sets` empty means delete.
SLUICE_API std::uint64_t run_in_batches(const session_handle& s, const query_spec& q, std::size_t batch_rows,
                                        const std::vector<column_set>& sets, const batch_options& options);

// Runs SELECT <columns> for the spec; columns are the model's, or `columns` when not empty; at
// most `at_most` rows (first()). A resumed spec continues its scan: the rows after the token's
// position, in scan order, a limit() counting the rows of the whole scan.
SLUICE_API void run_select(const session_handle& s, const query_spec& q, const std::vector<std::size_t>& columns,
                           row_sink sink, std::optional<std::uint64_t> at_most = std::nullopt);
SLUICE_API std::uint64_t run_count(const session_handle& s, const query_spec& q);
SLUICE_API bool run_exists(const session_handle& s, const query_spec& q);
SLUICE_API std::uint64_t run_update(const session_handle& s, const query_spec& q, const std::vector<column_set>& sets);
SLUICE_API std::uint64_t run_remove(const session_handle& s, const query_spec& q);
// Reads the model's columns (in model order) from the row into obj.
SLUICE_API void read_row(const table_info& t, row_reader& row, void* obj);
// Reads the row of a query into its row object: a model's object, or a join's (query_spec::layout).
SLUICE_API void read_query_row(const query_spec& q, row_reader& row, void* obj);
// Reads one selected column into a field, with table and column in any error.
SLUICE_API void read_column(const table_info& t, std::size_t column, row_reader& row, int position, void* field,
                            void (*read)(void*, row_reader&, int));

}  // namespace detail
}  // namespace sluice
