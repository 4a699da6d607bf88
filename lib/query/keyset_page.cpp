// Reading keyset pages in the dialect's statement shape, and refusing orders the server cannot sort exactly.
#include "query/keyset_page.hpp"

#include "model/messages.hpp"
#include "sql/render_expr.hpp"

#include <sluice/error.hpp>

namespace sluice::detail {

std::uint64_t read_keyset_page(session_impl& impl, const dialect& d, const query_spec& q,
                               const std::vector<order_term>& terms, const std::vector<value>& last_key,
                               std::uint64_t limit, const std::vector<std::size_t>& columns, row_callback on_row) {
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
