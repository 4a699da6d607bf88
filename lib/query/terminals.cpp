// query<T> terminal operations: render with the session's dialect, run, map rows.
#include <sluice/detail/query_spec.hpp>
#include <sluice/error.hpp>
#include <sluice/session.hpp>

#include <algorithm>

#include "query/keyset_page.hpp"
#include "sql/render_expr.hpp"
#include "sql/render_keyset.hpp"
#include "sql/render_statements.hpp"
#include "session/session_impl.hpp"
#include "query/token.hpp"
#include "model/messages.hpp"

namespace sluice::detail {
namespace {

// A bind failure in a where() value or a SET value, reported with the table (and the column,
// for SET values: `set_columns` names the column of each of the first parameters).
std::uint64_t run_checked(session_impl& s, const table_info& t, const rendered& r, row_callback on_row,
                          const std::vector<std::size_t>* set_columns = nullptr) {
    try {
        return s.run(r.sql, r.params, on_row);
    } catch (const bind_mismatch& m) {
        if (set_columns && m.index < set_columns->size()) {
            const column_info& c = t.columns[(*set_columns)[m.index]];
            throw conversion_error(column_message(t, c, m.what));
        }
        throw_query_value(t, m);
    }
}

void require_unlimited(const query_spec& q, std::string_view operation) {
    if (q.limit || q.offset)
        throw error("sluice: " + std::string(q.table->name) + ": " + std::string(operation) +
                    "() applies to every row the filters match; limit() and offset() are not supported "
                    "here (use update_in_batches/remove_in_batches for bounded work)");
}

void refuse_resumed(const query_spec& q, std::string_view operation) {
    if (q.resume)
        throw error("sluice: " + std::string(q.table->name) + ": " + std::string(operation) +
                    "() of a resumed query: a resume token continues a scan (yield_per, batches, all, first, count, "
                    "exists, select); apply writes to the query without resume()");
}

// A resumed query as a plain one: its scan order made explicit, its limit what is left of the
// scan's, and the keyset predicate for "after the token's position".
struct resumed_query {
    query_spec spec;
    std::vector<value> last_key;  // `after` binds references into it
    rendered after;
    bool exhausted = false;

    const rendered* predicate() const { return after.sql.empty() ? nullptr : &after; }
};

void resolve_resume(const dialect& d, const query_spec& q, resumed_query& out) {
    out.spec = q;
    if (!q.resume) return;
    if (q.offset)
        throw error("sluice: " + std::string(q.table->name) +
                    ": offset() cannot be combined with resume(): the token already says where to continue");
    const std::vector<order_term> terms = keyset_terms(q);
    std::uint64_t rows_before = 0;
    decode_token(*q.resume, q, fingerprint(q), terms.size(), out.last_key, rows_before);
    out.spec.resume.reset();
    out.spec.order = terms;
    if (q.limit) {
        out.exhausted = rows_before >= *q.limit;
        out.spec.limit = out.exhausted ? 0 : *q.limit - rows_before;
    }
    if (!out.last_key.empty()) render_keyset(d, scope(q), terms, out.last_key, out.after);
}

}  // namespace

void run_select(const session_handle& s, const query_spec& query, const std::vector<std::size_t>& columns, row_sink sink,
                std::optional<std::uint64_t> at_most) {
    session_impl& impl = s.get(*query.table);
    const dialect& d = impl.sql_for(query);
    resumed_query resumed;
    resolve_resume(d, query, resumed);
    if (resumed.exhausted || (at_most && *at_most == 0)) return;
    query_spec& q = resumed.spec;
    if (at_most) q.limit = std::min(q.limit.value_or(*at_most), *at_most);
    const table_info& t = *q.table;
    // Order keys the server may sort inexactly: every row's are checked, and a LIMIT/OFFSET
    // window's edges are probed for values the server's sort ties with them. The scan's key
    // columns are read too (after the requested ones, where the sink does not look).
    const std::vector<order_term> terms = q.order.empty() ? std::vector<order_term>{} : keyset_terms(q);
    const scope names(q);
    const std::vector<long_key_check> checks = terms.empty() ? std::vector<long_key_check>{} : long_key_checks(impl.conn(), d, names, terms);
    std::vector<std::size_t> selected = columns;
    std::vector<int> key_positions;
    for (std::size_t i = 0; i < terms.size() && !checks.empty(); ++i) {
        const std::size_t c = terms[i].column;
        if (selected.empty()) {
            key_positions.push_back(static_cast<int>(names.first_position(terms[i].model) + c));
            continue;
        }
        if (terms[i].model != 0)
            throw error("sluice: internal error: selected columns of a join");
        const auto at = std::find(selected.begin(), selected.end(), c);
        key_positions.push_back(static_cast<int>(at - selected.begin()));
        if (at == selected.end()) selected.push_back(c);
    }
    // Keys of the first and last row; last_key is overwritten in place row after row.
    std::vector<value> first_key, last_key(checks.empty() ? 0 : terms.size());
    bool any_row = false;
    const rendered r = render_select(d, q, selected, resumed.predicate());
    run_checked(impl, t, r, [&](row_reader& row) {
        if (!checks.empty()) {
            for (const long_key_check& check : checks)
                require_exact_order(names, check, read_ref(row, key_positions[check.level], names.column(check.model, check.column).kind));
            for (std::size_t i = 0; i < terms.size(); ++i)
                store(last_key[i], read_ref(row, key_positions[i], names.column(terms[i].model, terms[i].column).kind));
            if (!any_row) first_key = last_key;
            any_row = true;
        }
        sink(row);
    });
    if (any_row && (q.limit || q.offset)) {
        require_no_sort_ties(impl, d, q, terms, checks, last_key, false);
        if (q.offset && *q.offset > 0) require_no_sort_ties(impl, d, q, terms, checks, first_key, true);
    }
}

std::uint64_t run_count(const session_handle& s, const query_spec& query) {
    session_impl& impl = s.get(*query.table);
    const dialect& d = impl.sql_for(query);
    resumed_query resumed;
    resolve_resume(d, query, resumed);
    if (resumed.exhausted) return 0;
    const rendered r = render_count(d, resumed.spec, resumed.predicate());
    std::uint64_t count = 0;
    run_checked(impl, *query.table, r, [&](row_reader& row) { count = row.get_uint64(0); });
    return count;
}

bool run_exists(const session_handle& s, const query_spec& q) {
    if (q.limit && *q.limit == 0) return false;
    query_spec one = q;
    // Order does not change whether a row exists, unless an offset or a resume position does.
    if (!q.offset && !q.resume) one.order.clear();
    bool found = false;
    run_select(s, one, {q.table->primary_key.front()}, [&](row_reader&) { found = true; }, 1);
    return found;
}

std::uint64_t run_update(const session_handle& s, const query_spec& q, const std::vector<column_set>& sets) {
    require_unlimited(q, "update");
    refuse_resumed(q, "update");
    session_impl& impl = s.get(*q.table);
    check_exact_sets(impl, *q.table, sets, "nothing was written");
    std::vector<std::size_t> set_columns;
    const rendered r = render_update(impl.sql_for(*q.table), q, sets, nullptr, &set_columns);
    return run_checked(impl, *q.table, r, [](row_reader&) {}, &set_columns);
}

std::uint64_t run_remove(const session_handle& s, const query_spec& q) {
    require_unlimited(q, "remove");
    refuse_resumed(q, "remove");
    session_impl& impl = s.get(*q.table);
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
        throw conversion_error(column_message(t, c, m.what, true));
    }
}

}  // namespace sluice::detail
