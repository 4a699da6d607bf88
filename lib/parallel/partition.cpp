// partitions(k): split a query into primary-key ranges of about equal row counts.
#include <sluice/detail/query_spec.hpp>
#include <sluice/error.hpp>
#include <sluice/session.hpp>

#include "query/keyset_page.hpp"
#include "session/session_impl.hpp"
#include "sql/render_expr.hpp"
#include "sql/render_statements.hpp"

namespace sluice::detail {

std::vector<query_spec> partition_specs(const session_handle& s, const query_spec& q, std::size_t k) {
    const table_info& t = *q.table;
    const std::string context = "sluice: " + std::string(t.name) + ": partitions(): ";
    if (k == 0) throw error(context + "k must be at least 1");
    if (q.limit || q.offset) throw error(context + "limit() and offset() cannot be split into key ranges");
    if (q.resume) throw error(context + "partition the query first, then resume each part from its own token");

    session_impl& impl = s.get(t);
    const dialect& d = impl.sql_for(q);
    const std::uint64_t total = run_count(s, q);

    // Boundary i is the key of the row at position i*total/k in key order: k-1 probes down the
    // primary key index (index-only), not min/max arithmetic, so gaps and skew do not matter.
    query_spec by_key = q;
    by_key.order.clear();
    // The probes read the primary key in the server's order, the order of the parts' key ranges,
    // whatever its collation; a key the server may sort inexactly is refused, as in any ordered read.
    std::vector<order_term> key_terms;
    for (std::size_t c : t.primary_key) key_terms.push_back({c, false});
    const std::vector<long_key_check> checks = long_key_checks(impl.conn(), d, scope(q), key_terms);
    std::vector<std::vector<value>> bounds;
    for (std::size_t i = 1; i < k; ++i) {
        const std::uint64_t position = total * i / k;
        if (total == 0 || position == 0) continue;
        const rendered probe = render_key_probe(d, by_key, position - 1);  // the last row of part i-1
        std::vector<value> key;
        impl.run(probe.sql, probe.params, [&](row_reader& r) {
            for (std::size_t c = 0; c < t.primary_key.size(); ++c)
                key.push_back(read_value(r, static_cast<int>(c), t.columns[t.primary_key[c]].kind));
        });
        for (const long_key_check& check : checks)
            if (!key.empty()) require_exact_order(scope(q), check, as_ref(key[check.level]));
        if (!key.empty() && (bounds.empty() || bounds.back() != key)) bounds.push_back(std::move(key));
    }

    std::vector<query_spec> parts;
    for (std::size_t i = 0; i < k; ++i) {
        query_spec part = q;
        expr_node filter{expr_op::all_of, no_column, no_column, {}, {}};
        if (q.filter) filter.children.push_back(*q.filter);
        // Part i holds keys in (bounds[i-1], bounds[i]]; parts past the last bound are empty
        // when there are fewer rows than parts.
        if (i > 0) {
            if (i - 1 < bounds.size()) filter.children.push_back(key_tuple_bound(t, expr_op::tuple_gt, bounds[i - 1]));
            else filter.children.push_back(expr_node{expr_op::always_false, no_column, no_column, {}, {}});
        }
        if (i < bounds.size()) filter.children.push_back(key_tuple_bound(t, expr_op::tuple_le, bounds[i]));
        if (!filter.children.empty()) part.filter = std::make_shared<const expr_node>(std::move(filter));
        parts.push_back(std::move(part));
    }
    return parts;
}

}  // namespace sluice::detail
