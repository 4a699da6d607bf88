// The plan check of a keyset scan: the table's indexes read through the dialect, judged, and the finding reported.
//
// Why the indexes and not EXPLAIN: what EXPLAIN shows is the optimizer's choice for the table as
// it is now. On a small table (or with stale statistics) MariaDB picks a full scan and a filesort
// even where an index serves the order, and SQLite may prefer a filter's index and sort what it
// matches; the same scan on the grown table then reads one page at a time through the index. A
// check on EXPLAIN would warn about tables that are fine and stay quiet about a test table that
// will not be. Whether some index gives the rows in the order the pages ask for (after the
// columns where() fixes) is a fact of the schema, the same at 10 rows and at 10 million; the
// EXPLAIN tests (tests/integration/test_plan.cpp) pin that the servers do use such an index.
#include "query/plan_check.hpp"

#include <sluice/error.hpp>

#include "sql/order_index.hpp"
#include "sql/scope.hpp"

namespace sluice::detail {

namespace {

// A join's scan as the check judges it: the order its own table's index must give (the terms of
// that table), and the filters on that table alone. A term of a joined model before them no
// index serves: every page would join and sort all the rows after the last.
std::optional<std::string> driving_order(const query_spec& q, const std::vector<order_term>& terms,
                                         std::vector<order_term>& own, expr_node& own_filter) {
    const scope s(q);
    for (const order_term& o : q.order)
        if (o.model != 0)
            return "sluice: " + std::string(q.table->name) + ": ORDER BY " + std::string(s.table(o.model).name) + "." +
                   std::string(s.column(o.model, o.column).name) + ", a joined model's column: no index gives the join's "
                   "rows in that order, so every page joins and sorts every row after the last one; order by " +
                   std::string(q.table->name) + "'s own columns";
    for (const order_term& o : terms)
        if (o.model == 0) own.push_back(o);
    own_filter = expr_node{expr_op::all_of, no_column, no_column, {}, {}};
    auto own_only = [](const expr_node& n) {
        return n.model == 0 && n.other_model == 0 && n.children.empty();
    };
    if (q.filter && q.filter->op == expr_op::all_of) {
        for (const expr_node& child : q.filter->children)
            if (own_only(child)) own_filter.children.push_back(child);
    } else if (q.filter && own_only(*q.filter)) {
        own_filter.children.push_back(*q.filter);
    }
    return std::nullopt;
}

}  // namespace

void check_scan_order(session_impl& impl, const dialect& d, const query_spec& q, const std::vector<order_term>& all_terms) {
    if (impl.plan == plan_check::off || !d.indexes_visible()) return;
    const table_info& t = *q.table;
    std::vector<order_term> own_terms;
    expr_node own_filter;
    const expr_node* filter = q.filter.get();
    const std::vector<order_term>* terms = &all_terms;
    if (!q.joins.empty()) {
        if (std::optional<std::string> finding = driving_order(q, all_terms, own_terms, own_filter)) {
            if (impl.plan == plan_check::error) throw error(*finding);
            impl.pending_warning = std::move(*finding);
            return;
        }
        filter = &own_filter;
        terms = &own_terms;
    }
    std::vector<table_index> indexes;
    const value_ref name[] = {std::string_view(t.name)};
    auto flag = [](row_reader& r, int column) { return !r.is_null(column) && r.get_int64(column) != 0; };
    impl.run(d.describe_indexes(), name, [&](row_reader& r) {
        const std::string_view index = r.get_text(0);
        if (indexes.empty() || indexes.back().name != index) indexes.push_back({std::string(index), flag(r, 1), flag(r, 2), {}});
        indexes.back().parts.push_back({r.is_null(3) ? std::string() : std::string(r.get_text(3)), flag(r, 4), flag(r, 5), flag(r, 6)});
    });
    std::optional<std::string> finding = missing_order_index(d, t, *terms, filter, indexes);
    if (!finding) return;
    if (impl.plan == plan_check::error) throw error(*finding);
    impl.pending_warning = std::move(*finding);
}

}  // namespace sluice::detail
