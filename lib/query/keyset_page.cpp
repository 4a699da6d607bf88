// Reading keyset pages in the dialect's statement shape, and refusing orders the server cannot sort exactly.
#include "query/keyset_page.hpp"

#include "model/messages.hpp"
#include "sql/render_expr.hpp"

#include <sluice/error.hpp>

namespace sluice::detail {
namespace {

// How many leading terms are the query's own model's: with its whole key among them and more
// terms after (a joined model's key), the page is read in chunks where the dialect wants them.
std::size_t own_terms(const std::vector<order_term>& terms) {
    std::size_t n = 0;
    while (n < terms.size() && terms[n].model == 0) ++n;
    return n;
}

bool only_own(const expr_node& n) {
    if (n.model != 0 || n.other_model != 0) return false;
    for (const expr_node& child : n.children)
        if (!only_own(child)) return false;
    return true;
}

// The filter's top-level conditions on the query's own model alone (a partition's key range among
// them): true of every row of the join.
std::shared_ptr<const expr_node> own_filter(const query_spec& q) {
    if (!q.filter) return nullptr;
    if (q.filter->op != expr_op::all_of) return only_own(*q.filter) ? q.filter : nullptr;
    expr_node kept{expr_op::all_of, no_column, no_column, {}, {}};
    for (const expr_node& child : q.filter->children)
        if (only_own(child)) kept.children.push_back(child);
    if (kept.children.empty()) return nullptr;
    return std::make_shared<const expr_node>(std::move(kept));
}

// A join page in chunks of rows of the query's own table (see dialect::bounded_join_chunks): a
// probe finds the last row of the chunk in that table's index, and the page's WHERE stops there,
// so the server joins and sorts the rows of one chunk only. A chunk without a probed end is the
// rest of the table, the last. The chunk size follows the join's fan-out: as many of the table's
// rows as gave a page last time, doubled while chunks come back short.
std::uint64_t read_join_chunks(session_impl& impl, const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                               std::size_t own, const std::vector<value>& last_key, std::uint64_t limit,
                               row_callback on_row, std::uint64_t& chunk) {
    const scope s(q);
    const std::vector<order_term> own_order(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(own));
    std::vector<order_term> reversed = own_order;
    for (order_term& o : reversed) o.descending = !o.descending;
    query_spec probe_q;
    probe_q.table = q.table;
    probe_q.filter = own_filter(q);
    std::vector<std::size_t> own_columns;
    for (const order_term& o : own_order) own_columns.push_back(o.column);

    if (chunk == 0) chunk = limit;
    std::uint64_t rows = 0;
    // Rows of the own table a statement's rows came from (consecutive: they are in key order).
    std::uint64_t own_rows = 0;
    std::vector<value> previous(own), current(own);
    auto count = [&](row_reader& row) {
        for (std::size_t i = 0; i < own; ++i) store(current[i], read_ref(row, static_cast<int>(own_order[i].column), s.column(0, own_order[i].column).kind));
        if (own_rows == 0 || current != previous) {
            ++own_rows;
            previous.swap(current);
        }
        ++rows;
        on_row(row);
    };
    // The chunk starts after `lower` (own terms), or after last_key (all terms) for the first.
    std::vector<value> lower(last_key.begin(), last_key.begin() + static_cast<std::ptrdiff_t>(last_key.empty() ? 0 : own));
    for (bool first = true; rows < limit; first = false) {
        rendered probe = render_page(d, probe_q, own_order, lower, 1, own_columns);
        probe.sql += " OFFSET ?";
        probe.params.emplace_back(chunk - 1);
        std::vector<value> end;
        impl.run(probe.sql, probe.params, [&](row_reader& r) {
            for (std::size_t i = 0; i < own; ++i) end.push_back(read_value(r, static_cast<int>(i), s.column(0, own_order[i].column).kind));
        });
        rendered bounds;
        if (first && !last_key.empty()) render_keyset(d, s, terms, last_key, bounds);
        else if (!lower.empty()) render_keyset(d, s, own_order, lower, bounds);
        if (!end.empty()) {
            if (!bounds.sql.empty()) bounds.sql += " AND ";
            render_keyset(d, s, reversed, end, bounds, true);
        }
        const std::uint64_t wanted = limit - rows, before = rows;
        own_rows = 0;
        const rendered page = render_bounded_page(d, q, terms, bounds, wanted);
        impl.run(page.sql, page.params, count);
        if (rows - before == wanted) chunk = std::max<std::uint64_t>(1, own_rows * limit / wanted);
        else if (!end.empty()) chunk = std::min(chunk * 2, limit * 64);
        if (end.empty()) break;
        lower = std::move(end);
    }
    return rows;
}

}  // namespace

std::uint64_t read_keyset_page(session_impl& impl, const dialect& d, const query_spec& q,
                               const std::vector<order_term>& terms, const std::vector<value>& last_key,
                               std::uint64_t limit, const std::vector<std::size_t>& columns, row_callback on_row,
                               std::uint64_t* join_chunk) {
    const std::size_t own = own_terms(terms);
    if (d.bounded_join_chunks() && !q.joins.empty() && own < terms.size() && columns.empty()) {
        bool whole_key = true;
        for (std::size_t k : q.table->primary_key) {
            bool in = false;
            for (std::size_t i = 0; i < own; ++i) in = in || terms[i].column == k;
            whole_key = whole_key && in;
        }
        std::uint64_t fresh = 0;
        if (whole_key) return read_join_chunks(impl, d, q, terms, own, last_key, limit, on_row, join_chunk ? *join_chunk : fresh);
    }
    std::uint64_t rows = 0;
    auto count = [&](row_reader& row) {
        ++rows;
        on_row(row);
    };
    if (!d.keyset_branches() || last_key.empty() || terms.size() < 2) {
        const rendered sql = render_page(d, q, terms, last_key, limit, columns);
        impl.run(sql.sql, sql.params, count);
        return rows;
    }
    const scope t(q);
    for (std::size_t level = terms.size(); level-- > 0 && rows < limit;) {
        // Nothing sorts after NULL descending: that branch is empty.
        if (terms[level].descending && std::holds_alternative<null_t>(last_key[level])) continue;
        const std::size_t parts = keyset_branch_parts(t, terms, last_key, level);
        for (std::size_t part = 0; part < parts && rows < limit; ++part) {
            const rendered sql = render_page(d, q, terms, last_key, limit - rows, columns, level, part);
            impl.run(sql.sql, sql.params, count);
        }
    }
    return rows;
}

std::vector<long_key_check> long_key_checks(const connection& c, const dialect& d, const scope& s,
                                            const std::vector<order_term>& terms) {
    std::vector<long_key_check> checks;
    for (const order_term& o : terms) {
        const column_kind kind = s.column(o.model, o.column).kind;
        if (kind != column_kind::text && kind != column_kind::blob) continue;
        const std::size_t session_limit = c.exact_sort_bytes(kind);
        if (session_limit == static_cast<std::size_t>(-1)) continue;
        const std::size_t limit = d.exact_sort_bytes(kind, session_limit);
        checks.push_back({o.column, limit, static_cast<std::size_t>(&o - terms.data()), o.descending, o.model});
    }
    return checks;
}

void require_no_sort_ties(session_impl& impl, const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                          const std::vector<long_key_check>& checks, const std::vector<value>& key, bool window_start) {
    const scope s(q);
    for (const long_key_check& check : checks) {
        if (!window_start && !check.descending) continue;
        if (check.level >= key.size() || std::holds_alternative<null_t>(key[check.level])) continue;
        // Just above every value-plus-NULs: the value followed by 0x01.
        value above = key[check.level];
        if (auto* s = std::get_if<std::string>(&above)) *s += '\x01';
        else if (auto* b = std::get_if<blob>(&above)) b->push_back(std::byte{1});
        rendered probe{"SELECT 1 FROM ", {}};
        s.render_from(d, probe);
        rendered near;
        for (std::size_t i = 0; i < check.level; ++i) {
            const std::string name = s.name(d, terms[i].model, terms[i].column);
            if (std::holds_alternative<null_t>(key[i])) {
                near.sql += name + " IS NULL AND ";
            } else {
                near.sql += name + " = ? AND ";
                near.params.push_back(as_ref(key[i]));
            }
        }
        const std::string name = s.name(d, check.model, check.column);
        // The range finds candidates through an index; the second condition keeps only values
        // that are the key and NULs ('A\0b' lies in the range but sorts apart from 'A').
        near.sql += name + " > ? AND " + name + " < ? AND " + d.without_trailing_nuls_equals(name);
        near.params.push_back(as_ref(key[check.level]));
        near.params.push_back(as_ref(above));
        near.params.emplace_back(std::string_view("\0", 1));
        near.params.push_back(as_ref(key[check.level]));
        render_where(d, q, probe, &near);
        probe.sql += " LIMIT 1";
        bool tied = false;
        impl.run(probe.sql, probe.params, [&](row_reader&) { tied = true; });
        if (tied)
            throw error(column_message(s.table(check.model), s.column(check.model, check.column),
                                       "another value of this order key differs from " + describe(as_ref(key[check.level])) +
                                           " only by trailing NUL bytes: MariaDB sorts the two level under ORDER BY ... "
                                           "LIMIT, so rows could come out of order, be lost or repeated; refused: order by "
                                           "another column, or by the primary key"));
    }
}

void require_exact_order(const scope& s, const long_key_check& check, const value_ref& key) {
    const table_info& t = s.table(check.model);
    std::string_view bytes;
    if (const auto* text = std::get_if<std::string_view>(&key)) bytes = *text;
    else if (const auto* b = std::get_if<std::span<const std::byte>>(&key)) bytes = {reinterpret_cast<const char*>(b->data()), b->size()};
    else return;  // NULL
    const column_info& c = t.columns[check.column];
    if (!bytes.empty() && bytes.back() == '\0')
        throw error(column_message(t, c, "an order key ending in a NUL byte: MariaDB sorts it level with the same value "
                                         "without trailing NULs under ORDER BY ... LIMIT, so rows could come out of "
                                         "order, be lost or repeated; refused: order by another column, or by the "
                                         "primary key"));
    if (bytes.size() <= check.max_bytes) return;
    throw error(column_message(t, c, "an order key of " + std::to_string(bytes.size()) + " bytes, more than the " + std::to_string(check.max_bytes) +
                " the server sorts exactly (MariaDB compares only the first max_sort_length bytes of a sort key, 4 a "
                "character for text), so rows could come out of order, be lost or repeated; refused: order by a "
                "shorter column, or by the primary key"));
}

}  // namespace sluice::detail
