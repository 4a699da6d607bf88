// query<T> terminal operations: render with the session's dialect, run, map rows.
#include <sluice/detail/query_spec.hpp>
#include <sluice/error.hpp>
#include <sluice/session.hpp>

#include "render_query.hpp"
#include "session_impl.hpp"

namespace sluice::detail {
namespace {

// A bind failure in a where() value or a SET value, reported with the table (and the column,
// for SET values, whose positions come first).
std::uint64_t run_checked(session_impl& s, const table_info& t, const rendered& r, row_callback on_row,
                          const std::vector<std::pair<std::size_t, value>>* sets = nullptr) {
    try {
        return s.run(r.sql, r.params, on_row);
    } catch (const bind_mismatch& m) {
        if (sets && m.index < sets->size()) {
            const column_info& c = t.columns[(*sets)[m.index].first];
            throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                                   std::string(to_string(c.kind)) + "): " + m.what);
        }
        throw conversion_error("sluice: " + std::string(t.name) + ": value " + std::to_string(m.index + 1) +
                               " of the query: " + m.what);
    }
}

void require_unlimited(const query_spec& q, std::string_view operation) {
    if (q.limit || q.offset)
        throw error("sluice: " + std::string(q.table->name) + ": " + std::string(operation) +
                    "() applies to every row the filters match; limit() and offset() are not supported "
                    "here (use update_in_batches/remove_in_batches for bounded work)");
}

}  // namespace

void run_select(session& s, const query_spec& q, const std::vector<std::size_t>& columns, row_sink sink) {
    session_impl& impl = s.impl();
    std::vector<std::uint64_t> limits;
    limits.reserve(2);  // params point into it
    const rendered r = render_select(impl.sql_for(*q.table), q, columns, limits);
    run_checked(impl, *q.table, r, [&](row_reader& row) { sink(row); });
}

std::uint64_t run_count(session& s, const query_spec& q) {
    session_impl& impl = s.impl();
    std::vector<std::uint64_t> limits;
    limits.reserve(2);
    const rendered r = render_count(impl.sql_for(*q.table), q, limits);
    std::uint64_t count = 0;
    run_checked(impl, *q.table, r, [&](row_reader& row) { count = row.get_uint64(0); });
    return count;
}

bool run_exists(session& s, const query_spec& q) {
    if (q.limit && *q.limit == 0) return false;
    query_spec one = q;
    one.limit = 1;
    one.order.clear();  // order does not change whether a row exists
    if (q.offset) one.order = q.order;
    bool found = false;
    run_select(s, one, {q.table->primary_key.front()}, [&](row_reader&) { found = true; });
    return found;
}

std::uint64_t run_update(session& s, const query_spec& q, const std::vector<std::pair<std::size_t, value>>& sets) {
    require_unlimited(q, "update");
    session_impl& impl = s.impl();
    const rendered r = render_update(impl.sql_for(*q.table), q, sets);
    return run_checked(impl, *q.table, r, [](row_reader&) {}, &sets);
}

std::uint64_t run_remove(session& s, const query_spec& q) {
    require_unlimited(q, "remove");
    session_impl& impl = s.impl();
    const rendered r = render_delete(impl.sql_for(*q.table), q);
    return run_checked(impl, *q.table, r, [](row_reader&) {});
}

void read_row(const table_info& t, row_reader& row, void* obj) { read_object(t, row, obj); }

void read_column(const table_info& t, std::size_t column, row_reader& row, int position, void* field,
                 void (*read)(void*, row_reader&, int)) {
    try {
        read(field, row, position);
    } catch (const cell_mismatch& m) {
        const column_info& c = t.columns[column];
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                               std::string(to_string(c.kind)) + (c.nullable ? ", nullable" : "") + "): " + m.what);
    }
}

}  // namespace sluice::detail
