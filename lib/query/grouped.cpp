// Aggregates: scalar terminals on any query, and GROUP BY scans keyset-paged by the group key
// (one statement per page computes only that page's groups), with HAVING and resume tokens.
#include <sluice/aggregate.hpp>

#include <charconv>
#include <cstdio>

#include "model/messages.hpp"
#include "query/keyset_page.hpp"
#include "query/plan_check.hpp"
#include "query/token.hpp"
#include "session/rows.hpp"
#include "session/session_impl.hpp"
#include "sql/render_expr.hpp"
#include "sql/render_keyset.hpp"
#include "sql/render_statements.hpp"

namespace sluice::detail {
namespace {

std::string table_context(const table_info& t) { return "sluice: " + std::string(t.name) + ": "; }

bool numeric(column_kind k) { return k != column_kind::text && k != column_kind::blob && k != column_kind::datetime && k != column_kind::date; }

// The scale s of a DECIMAL(p,s) column as declared (sluice's default DDL: DECIMAL(18,6)).
int declared_scale(const column_info& c) {
    const std::string_view type = c.sql_type;
    const std::size_t comma = type.find(','), close = type.find(')');
    if (comma == std::string_view::npos || close == std::string_view::npos || close < comma) return type.empty() ? 6 : 0;
    std::string_view digits = type.substr(comma + 1, close - comma - 1);
    while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
    while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
    int scale = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), scale);
    return scale;
}

// Whether the aggregate's value is a DECIMAL, compared exactly (sum and avg of a DECIMAL column).
bool decimal_valued(const table_info& t, const aggregate_term& a) {
    return a.column && t.columns[*a.column].kind == column_kind::decimal && (a.fn == aggregate_fn::sum || a.fn == aggregate_fn::avg);
}

std::string aggregate_sql(const dialect& d, const table_info& t, const aggregate_term& a) {
    if (!a.column) return "COUNT(*)";
    const column_info& c = t.columns[*a.column];
    const std::string q = d.quote(c.name);
    switch (a.fn) {
    case aggregate_fn::count: return "COUNT(" + q + ")";
    case aggregate_fn::min: return "MIN(" + q + ")";
    case aggregate_fn::max: return "MAX(" + q + ")";
    case aggregate_fn::sum: return c.kind == column_kind::decimal ? d.decimal_sum(q) : "SUM(" + q + ")";
    case aggregate_fn::avg:
        // Numbers: the double nearest the exact sum over the count, the same on both backends
        // (MariaDB's AVG of integers is a DECIMAL rounded to 4 places).
        return c.kind == column_kind::decimal ? d.decimal_avg(q, declared_scale(c))
                                              : d.cast_double("SUM(" + q + ")") + " / COUNT(" + q + ")";
    }
    return {};
}

void check_group_spec(const group_spec& g) {
    const table_info& t = *g.base.table;
    if (g.keys.empty()) throw error(table_context(t) + "group_by() needs at least one column");
    if (!g.base.order.empty())
        throw error(table_context(t) + "a grouped query is ordered by its group key: leave order_by() out");
    if (g.base.offset) throw error(table_context(t) + "offset() cannot be combined with group_by(): resume from a token instead");
    if (g.base.snapshot) throw error(table_context(t) + "consistent_snapshot() is not available on grouped queries");
    for (const group_item& item : g.items) {
        if (item.is_aggregate) {
            check_aggregate(t, item.aggregate);
        } else if (std::find(g.keys.begin(), g.keys.end(), item.column) == g.keys.end()) {
            throw error(table_context(t) + "select<R>() of a grouped query names column " + std::string(t.columns[item.column].name) +
                        ", which is not in group_by(): each group has many values of it; aggregate it (min, max, ...) or group by it");
        }
    }
    for (const having_term& h : g.having) check_aggregate(t, h.aggregate);
}

void render_having(const dialect& d, const group_spec& g, rendered& out) {
    const table_info& t = *g.base.table;
    for (std::size_t i = 0; i < g.having.size(); ++i) {
        const having_term& h = g.having[i];
        out.sql += i == 0 ? " HAVING " : " AND ";
        const std::string agg = aggregate_sql(d, t, h.aggregate);
        out.sql += decimal_valued(t, h.aggregate) ? d.decimal_compare(agg, std::string_view(comparison(h.op))) : agg + std::string(std::string_view(comparison(h.op))) + "?";
        out.params.push_back(as_ref(h.operand));
    }
}

// SELECT <items>, <keys> FROM t WHERE <extra> AND <filters> GROUP BY <keys> HAVING ... ORDER BY <keys>
rendered render_grouped(const dialect& d, const group_spec& g, const std::vector<order_term>& terms, const rendered* extra) {
    const table_info& t = *g.base.table;
    rendered sql;
    sql.sql = "SELECT ";
    for (const group_item& item : g.items)
        sql.sql += (item.is_aggregate ? aggregate_sql(d, t, item.aggregate) : d.quote(t.columns[item.column].name)) + ", ";
    std::string keys;
    for (std::size_t k : g.keys) keys += (keys.empty() ? "" : ", ") + d.quote(t.columns[k].name);
    sql.sql += keys + " FROM " + d.quote(t.name);
    render_where(d, g.base, sql, extra);
    sql.sql += " GROUP BY " + keys;
    render_having(d, g, sql);
    render_order_by(d, t, terms, sql);
    return sql;
}

std::vector<order_term> group_terms(const group_spec& g) {
    std::vector<order_term> terms;
    for (std::size_t k : g.keys) terms.push_back({k, false});
    return terms;
}

// Reads the items of the current row into an R object, by position.
void read_items(const group_spec& g, const row_shape& shape, row_reader& row, void* obj) {
    const table_info& t = *g.base.table;
    char* base = static_cast<char*>(obj);
    for (std::size_t i = 0; i < shape.fields.size(); ++i) {
        const column_info& f = shape.fields[i];
        try {
            f.codec.read(base + f.offset, row, static_cast<int>(i));
        } catch (const cell_mismatch& m) {
            throw conversion_error(table_context(t) + "select<" + std::string(shape.type_name) + ">: item " + std::to_string(i) + " into " +
                                   (shape.by_position || f.field.empty() ? "element " + std::to_string(i) : "field " + std::string(f.field)) +
                                   " (" + std::string(to_string(f.kind)) + "): " + m.what);
        }
    }
}

// A value as exact text for the fingerprint: doubles in hexadecimal, decimals with their scale.
std::string exact_text(const value& v) {
    return std::visit(
        [](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, double>) {
                char out[64];
                std::snprintf(out, sizeof out, "%a", x);
                return out;
            } else if constexpr (std::is_same_v<X, sluice::decimal>) {
                return x.to_string();
            } else if constexpr (std::is_same_v<X, std::int64_t> || std::is_same_v<X, std::uint64_t>) {
                return std::to_string(x);
            } else {
                return "?";  // having() operands are numbers
            }
        },
        v);
}

// Hashed into the token's fingerprint with the base query: a token resumes only the same grouping.
std::string group_fingerprint(const group_spec& g) {
    std::string extra = "group";
    for (std::size_t k : g.keys) extra += " " + std::to_string(k);
    extra += "|items";
    for (const group_item& i : g.items)
        extra += i.is_aggregate ? " a" + std::to_string(static_cast<int>(i.aggregate.fn)) + ":" +
                                      (i.aggregate.column ? std::to_string(*i.aggregate.column) : "*")
                                : " c" + std::to_string(i.column);
    extra += "|having";
    for (const having_term& h : g.having)
        extra += " " + std::to_string(static_cast<int>(h.aggregate.fn)) + ":" + (h.aggregate.column ? std::to_string(*h.aggregate.column) : "*") +
                 ":" + std::to_string(static_cast<int>(h.op)) + ":" + exact_text(h.operand);
    return fingerprint(g.base, extra);
}

}  // namespace

void check_aggregate(const table_info& t, const aggregate_term& a) {
    if (!a.column) return;
    const column_info& c = t.columns[*a.column];
    if ((a.fn == aggregate_fn::sum || a.fn == aggregate_fn::avg) && !numeric(c.kind))
        throw error(table_context(t) + (a.fn == aggregate_fn::sum ? "sum" : "avg") + "() of column " + std::string(c.name) + " (" +
                    std::string(to_string(c.kind)) + "): only numbers and decimals can be summed or averaged");
}

void run_grouped(const session_handle& s, const group_spec& g, const row_shape& shape, function_ref<void*()> next_slot) {
    const table_info& t = *g.base.table;
    check_group_spec(g);
    if (shape.fields.size() != g.items.size())
        throw error(table_context(t) + "select<" + std::string(shape.type_name) + ">() has " + std::to_string(g.items.size()) +
                    " items for " + std::to_string(shape.fields.size()) + " fields");
    if (g.base.resume) throw error(table_context(t) + "all() runs the whole grouped query; resume() continues a yield_per scan");
    session_impl& impl = s.get(t);
    const dialect& d = impl.sql_for(t);
    const std::vector<order_term> terms = group_terms(g);
    rendered sql = render_grouped(d, g, terms, nullptr);
    if (g.base.limit) {
        sql.sql += " LIMIT ?";
        sql.params.emplace_back(*g.base.limit);
    }
    // Not retried: rows already handed to the caller's container cannot be taken back.
    impl.run(sql.sql, sql.params, [&](row_reader& row) { read_items(g, shape, row, next_slot()); });
}

struct group_pager::state {
    session_handle owner;
    group_spec spec;
    const row_shape* shape = nullptr;
    std::size_t page_size = 0;
    std::vector<order_term> terms;
    std::string fingerprint;
    std::vector<value> last_key;
    std::vector<std::vector<value>> page_keys;  // the key of each row of the current page
    std::uint64_t rows_read = 0;
    std::size_t page_rows = 0;
    bool exhausted = false;
    bool plan_checked = false;
    std::vector<long_key_check> long_keys;
};

group_pager::group_pager(const session_handle& s, group_spec spec, std::size_t page_size, const row_shape& shape)
    : state_(std::make_unique<state>()) {
    state& st = *state_;
    st.owner = s;
    st.spec = std::move(spec);
    st.shape = &shape;
    st.page_size = page_size;
    const group_spec& g = st.spec;
    const table_info& t = *g.base.table;
    if (page_size == 0) throw error(table_context(t) + "yield_per needs a page size of at least 1");
    check_group_spec(g);
    if (shape.fields.size() != g.items.size())
        throw error(table_context(t) + "select<" + std::string(shape.type_name) + ">() has " + std::to_string(g.items.size()) +
                    " items for " + std::to_string(shape.fields.size()) + " fields");
    st.terms = group_terms(g);
    session_impl& impl = s.get(t);
    st.long_keys = long_key_checks(impl.conn(), impl.sql_for(t), t, st.terms);
    st.fingerprint = group_fingerprint(g);
    if (g.base.resume) decode_token(*g.base.resume, g.base, st.fingerprint, st.terms.size(), st.last_key, st.rows_read);
    if (g.base.limit && st.rows_read >= *g.base.limit) st.exhausted = true;
}

group_pager::group_pager(group_pager&&) noexcept = default;
group_pager& group_pager::operator=(group_pager&&) noexcept = default;
group_pager::~group_pager() = default;

std::size_t group_pager::next_page(function_ref<void*(std::size_t)> slot) {
    state& st = *state_;
    st.page_rows = 0;
    if (st.exhausted) return 0;
    const group_spec& g = st.spec;
    const table_info& t = *g.base.table;
    std::uint64_t request = st.page_size;
    if (g.base.limit) request = std::min<std::uint64_t>(request, *g.base.limit - st.rows_read);
    session_impl& impl = st.owner.get(t);
    std::size_t rows = 0;
    const std::size_t items = g.items.size();
    impl.with_retries([&] {
        rows = 0;
        const dialect& d = impl.sql_for(t);
        if (!st.plan_checked) {
            check_scan_order(impl, d, g.base, st.terms);
            st.plan_checked = true;
        }
        rendered keyset;
        if (!st.last_key.empty()) render_keyset(d, t, st.terms, st.last_key, keyset);
        rendered sql = render_grouped(d, g, st.terms, st.last_key.empty() ? nullptr : &keyset);
        sql.sql += " LIMIT ?";
        sql.params.emplace_back(request);
        try {
            impl.run(sql.sql, sql.params, [&](row_reader& row) {
                read_items(g, *st.shape, row, slot(rows));
                if (st.page_keys.size() <= rows) st.page_keys.emplace_back(st.terms.size());
                for (std::size_t k = 0; k < st.terms.size(); ++k)
                    store(st.page_keys[rows][k], read_ref(row, static_cast<int>(items + k), t.columns[st.terms[k].column].kind));
                ++rows;
            });
        } catch (const bind_mismatch& m) {
            throw_query_value(t, m);
        }
    }, [&] { return position_token(); });
    for (const long_key_check& check : st.long_keys)
        for (std::size_t r = 0; r < rows; ++r) require_exact_order(t, check, as_ref(st.page_keys[r][check.level]));
    if (rows > 0) {
        st.last_key = st.page_keys[rows - 1];
        if (!st.long_keys.empty())
            impl.with_retries([&] { require_no_sort_ties(impl, impl.sql_for(t), g.base, st.terms, st.long_keys, st.last_key, false); },
                              [&] { return position_token(); });
    }
    st.page_rows = rows;
    st.rows_read += rows;
    if (rows < request || (g.base.limit && st.rows_read >= *g.base.limit)) st.exhausted = true;
    return rows;
}

std::string group_pager::token_after(std::size_t i) const {
    const state& st = *state_;
    std::vector<value_ref> key;
    for (const value& v : st.page_keys.at(i)) key.push_back(as_ref(v));
    return encode_token(st.fingerprint, key, st.rows_read - st.page_rows + i + 1);
}

std::string group_pager::position_token() const {
    const state& st = *state_;
    std::vector<value_ref> key;
    for (const value& v : st.last_key) key.push_back(as_ref(v));
    return encode_token(st.fingerprint, key, st.rows_read);
}

void run_scalar(const session_handle& s, const query_spec& q, const aggregate_term& a, row_sink sink) {
    const table_info& t = *q.table;
    check_aggregate(t, a);
    if (q.resume) throw error(table_context(t) + "an aggregate of a resumed query is not defined: aggregate the query itself");
    session_impl& impl = s.get(t);
    const dialect& d = impl.sql_for(t);
    rendered sql;
    sql.sql = "SELECT " + aggregate_sql(d, t, a);
    // limit()/offset() bound the rows aggregated, as they bound the rows a query returns.
    if (q.limit || q.offset || !q.order.empty()) {
        rendered inner = render_select(d, q, {});
        sql.sql += " FROM (" + inner.sql + ") AS sluice_rows";
        sql.params = std::move(inner.params);
    } else {
        sql.sql += " FROM " + d.quote(t.name);
        render_where(d, q, sql);
    }
    impl.with_retries([&] { impl.run(sql.sql, sql.params, sink); }, [] { return std::string(); });
}

}  // namespace sluice::detail
