#include "keyset_page.hpp"

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
    const table_info& t = *q.table;
    for (std::size_t level = terms.size(); level-- > 0 && rows < limit;) {
        // Nothing sorts after NULL descending: that branch is empty.
        if (terms[level].descending && std::holds_alternative<null_t>(last_key[level])) continue;
        const std::size_t parts = keyset_branch_parts(t, terms, last_key, level);
        for (std::size_t part = 0; part < parts && rows < limit; ++part) {
            const std::uint64_t wanted = limit - rows;  // render_page binds a reference to it
            const rendered sql = render_page(d, q, terms, last_key, wanted, columns, level, part);
            impl.run(sql.sql, sql.params, count);
        }
    }
    return rows;
}

}  // namespace sluice::detail
