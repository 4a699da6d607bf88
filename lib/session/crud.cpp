// Single rows: insert, get, update, remove and upsert by primary key.
#include "model/messages.hpp"
#include "session/row_size.hpp"
#include "session/rows.hpp"
#include "session/session_impl.hpp"
#include "sql/render_statements.hpp"

namespace sluice {
namespace detail {
namespace {

// Runs a write whose parameters are the columns `params_columns`, turning a bind failure into
// a message that names the column.
std::uint64_t run_write(session_impl& s, const table_info& t, std::string_view sql,
                        std::span<const value_ref> params, std::span<const std::size_t> param_columns) {
    // Refused before it is sent: the limit is the connection's, so connect first if need be.
    if (!s.connected()) s.reconnect();
    if (!row_fits_statement(s.conn(), params)) throw_oversize_row(s.conn(), t, params, param_columns, "the row", "nothing was written");
    check_exact_writes(s, t, params, param_columns, [] { return std::string("nothing was written"); });
    try {
        return s.run(sql, params);
    } catch (const bind_mismatch& m) {
        const column_info& c = t.columns[param_columns[m.index % param_columns.size()]];
        throw conversion_error(column_message(t, c, m.what));
    }
}


}  // namespace
}  // namespace detail

using detail::field_ref;

namespace {
// The bound fields of one single-row statement and the storage converted values live in.
struct row_params {
    std::vector<value> scratch;
    std::vector<value_ref> refs;
    std::vector<std::size_t> columns;
    explicit row_params(const table_info& t) : scratch(t.columns.size() + t.primary_key.size()) {}
    // The columns an INSERT of obj binds.
    row_params(const table_info& t, const void* obj, bool with_key) : row_params(t) {
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            if (detail::written_by_insert(t, t.columns[i], with_key)) add(t, i, obj);
    }
    void add(const table_info& t, std::size_t column, const void* obj) {
        refs.push_back(field_ref(t.columns[column], obj, scratch.at(refs.size())));
        columns.push_back(column);
    }
};

std::string describe_key(const table_info& t, const void* obj) {
    std::string key;
    for (std::size_t k : t.primary_key) {
        value scratch;
        key += (key.empty() ? "" : ", ") + std::string(t.columns[k].name) + "=" + describe(field_ref(t.columns[k], obj, scratch));
    }
    return key;
}
}  // namespace

void session::insert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    const row_params p(t, obj, with_key);
    detail::run_write(impl(), t, detail::render_insert(impl().sql(), t, with_key), p.refs, p.columns);
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}

bool session::get(const table_info& t, std::span<const value_ref> key, void* out) {
    if (key.size() != t.primary_key.size())
        throw error("sluice: get<" + std::string(t.name) + ">: the primary key has " + std::to_string(t.primary_key.size()) +
                    " column(s), " + std::to_string(key.size()) + " value(s) given");
    bool found = false;
    try {
        impl().run(detail::render_select_by_key(impl().sql(), t), key, [&](detail::row_reader& row) {
            detail::read_object(t, row, out);
            found = true;
        });
    } catch (const detail::bind_mismatch& m) {
        detail::throw_query_value(t, m);
    }
    return found;
}

void session::update(const table_info& t, const void* obj) { update(t, obj, detail::updated_by_default(t)); }

void session::update(const table_info& t, const void* obj, const std::vector<std::size_t>& set_columns) {
    if (set_columns.empty()) throw error("sluice: update of " + std::string(t.name) + ": no column to set");
    row_params p(t);
    for (std::size_t i : set_columns) {
        if (t.columns.at(i).primary_key)
            throw error("sluice: update of " + std::string(t.name) + ": cannot set the primary key column " +
                        std::string(t.columns[i].name) + " (update finds the row by it)");
        p.add(t, i, obj);
    }
    for (std::size_t k : t.primary_key) p.add(t, k, obj);
    if (detail::run_write(impl(), t, detail::render_update_by_key(impl().sql(), t, set_columns), p.refs, p.columns) == 0)
        throw error("sluice: update of " + std::string(t.name) + " matched no row with " + describe_key(t, obj));
}

bool session::remove(const table_info& t, const void* obj) {
    row_params p(t);
    for (std::size_t k : t.primary_key) p.add(t, k, obj);
    return detail::run_write(impl(), t, detail::render_delete_by_key(impl().sql_for(t), t), p.refs, t.primary_key) > 0;
}

void session::upsert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    const row_params p(t, obj, with_key);
    try {
        detail::run_write(impl(), t, detail::render_upsert(impl().sql(), t, with_key), p.refs, p.columns);
    } catch (const statement_error& e) {
        if (!impl().sql().is_upsert_key_conflict(e.code())) throw;
        const std::string key = describe_key(t, obj);
        throw statement_error("sluice: " + std::string(t.name) + ": upsert of the row with " + (with_key ? key : "a new key") +
                                  " collides with a different row on a unique key other than the primary key; nothing was "
                                  "written (an upsert updates only the row with the same primary key): " + e.what(),
                              e.code(), e.sql_state());
    }
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}


}  // namespace sluice
