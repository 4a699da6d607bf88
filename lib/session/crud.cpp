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

void session::insert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    params.reserve(t.columns.size());
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (!with_key && t.auto_increment && t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    detail::run_write(impl(), t, detail::render_insert(impl().sql(), t, with_key), params, columns);
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}

bool session::get(const table_info& t, std::span<const value_ref> key, void* out) {
    if (key.size() != t.primary_key.size())
        throw error("sluice: get<" + std::string(t.name) + ">: the primary key has " + std::to_string(t.primary_key.size()) +
                    " column(s), " + std::to_string(key.size()) + " value(s) given");
    bool found = false;
    impl().run(detail::render_select_by_key(impl().sql(), t), key, [&](detail::row_reader& row) {
        detail::read_object(t, row, out);
        found = true;
    });
    return found;
}

void session::update(const table_info& t, const void* obj) {
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    for (std::size_t k : t.primary_key) {
        params.push_back(field_ref(t.columns[k], obj));
        columns.push_back(k);
    }
    if (detail::run_write(impl(), t, detail::render_update_by_key(impl().sql(), t), params, columns) == 0) {
        std::string key;
        for (std::size_t k : t.primary_key)
            key += (key.empty() ? "" : ", ") + std::string(t.columns[k].name) + "=" + describe(field_ref(t.columns[k], obj));
        throw error("sluice: update of " + std::string(t.name) + " matched no row with " + key);
    }
}

bool session::remove(const table_info& t, const void* obj) {
    std::vector<value_ref> params;
    for (std::size_t k : t.primary_key) params.push_back(field_ref(t.columns[k], obj));
    return detail::run_write(impl(), t, detail::render_delete_by_key(impl().sql_for(t), t), params, t.primary_key) > 0;
}

void session::upsert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (!with_key && t.auto_increment && t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    try {
        detail::run_write(impl(), t, detail::render_upsert(impl().sql(), t, with_key), params, columns);
    } catch (const statement_error& e) {
        if (!impl().sql().is_upsert_key_conflict(e.code())) throw;
        std::string key;
        for (std::size_t k : t.primary_key)
            key += (key.empty() ? "" : ", ") + std::string(t.columns[k].name) + "=" + describe(field_ref(t.columns[k], obj));
        throw statement_error("sluice: " + std::string(t.name) + ": upsert of the row with " + (with_key ? key : "a new key") +
                                  " collides with a different row on a unique key other than the primary key; nothing was "
                                  "written (an upsert updates only the row with the same primary key): " + e.what(),
                              e.code(), e.sql_state());
    }
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}


}  // namespace sluice
