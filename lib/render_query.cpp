#include "render_query.hpp"

#include <sluice/error.hpp>

namespace sluice::detail {
namespace {

const char* comparison(expr_op op) {
    switch (op) {
    case expr_op::eq: return " = ";
    case expr_op::ne: return " <> ";
    case expr_op::lt: return " < ";
    case expr_op::le: return " <= ";
    case expr_op::gt: return " > ";
    case expr_op::ge: return " >= ";
    default: return nullptr;
    }
}

bool is_compound(const expr_node& n) { return n.op == expr_op::all_of || n.op == expr_op::any_of; }

void render_child(const dialect& d, const table_info& t, const expr_node& n, rendered& out) {
    if (is_compound(n)) out.sql += '(';
    render_expr(d, t, n, out);
    if (is_compound(n)) out.sql += ')';
}

void append_limit(const dialect& d, const query_spec& q, rendered& out, std::vector<std::uint64_t>& storage) {
    if (!q.limit && !q.offset) return;
    // Both backends need a LIMIT before OFFSET; "no limit" is the largest count each accepts.
    storage.push_back(q.limit.value_or(d.name() == "sqlite" ? static_cast<std::uint64_t>(INT64_MAX) : UINT64_MAX));
    out.sql += " LIMIT ?";
    out.params.emplace_back(storage.back());
    if (q.offset) {
        storage.push_back(*q.offset);
        out.sql += " OFFSET ?";
        out.params.emplace_back(storage.back());
    }
}

}  // namespace

void render_expr(const dialect& d, const table_info& t, const expr_node& n, rendered& out) {
    auto column_name = [&](std::size_t c) { return d.quote(t.columns.at(c).name); };
    switch (n.op) {
    case expr_op::eq: case expr_op::ne: case expr_op::lt: case expr_op::le: case expr_op::gt: case expr_op::ge:
        out.sql += column_name(n.column);
        out.sql += comparison(n.op);
        if (n.other_column != no_column) {
            out.sql += column_name(n.other_column);
        } else {
            out.sql += '?';
            out.params.push_back(as_ref(n.values.at(0)));
        }
        return;
    case expr_op::like:
        out.sql += column_name(n.column) + " LIKE ?";
        out.sql += d.like_escape_clause();
        out.params.push_back(as_ref(n.values.at(0)));
        return;
    case expr_op::in:
        out.sql += column_name(n.column) + " IN (";
        for (std::size_t i = 0; i < n.values.size(); ++i) {
            out.sql += i ? ", ?" : "?";
            out.params.push_back(as_ref(n.values[i]));
        }
        out.sql += ')';
        return;
    case expr_op::between:
        out.sql += column_name(n.column) + " BETWEEN ? AND ?";
        out.params.push_back(as_ref(n.values.at(0)));
        out.params.push_back(as_ref(n.values.at(1)));
        return;
    case expr_op::is_null: out.sql += column_name(n.column) + " IS NULL"; return;
    case expr_op::is_not_null: out.sql += column_name(n.column) + " IS NOT NULL"; return;
    case expr_op::always_false: out.sql += "1 = 0"; return;
    case expr_op::negate:
        out.sql += "NOT (";
        render_expr(d, t, n.children.at(0), out);
        out.sql += ')';
        return;
    case expr_op::all_of:
    case expr_op::any_of:
        if (n.children.empty()) {
            out.sql += n.op == expr_op::all_of ? "1 = 1" : "1 = 0";
            return;
        }
        for (std::size_t i = 0; i < n.children.size(); ++i) {
            if (i) out.sql += n.op == expr_op::all_of ? " AND " : " OR ";
            render_child(d, t, n.children[i], out);
        }
        return;
    }
}

void render_where(const dialect& d, const query_spec& q, rendered& out, const rendered* extra) {
    if (!q.filter && !extra) return;
    out.sql += " WHERE ";
    if (q.filter) {
        const bool wrap = extra && q.filter->op == expr_op::any_of;
        if (wrap) out.sql += '(';
        render_expr(d, *q.table, *q.filter, out);
        if (wrap) out.sql += ')';
    }
    if (extra) {
        if (q.filter) out.sql += " AND ";
        out.sql += extra->sql;
        out.params.insert(out.params.end(), extra->params.begin(), extra->params.end());
    }
}

std::vector<order_term> keyset_terms(const query_spec& q) {
    std::vector<order_term> terms = q.order;
    const bool descending = !terms.empty() && terms.front().descending;
    for (std::size_t k : q.table->primary_key) {
        bool present = false;
        for (const order_term& o : terms) present = present || o.column == k;
        if (!present) terms.push_back({k, descending});
    }
    return terms;
}

void render_order(const dialect& d, const query_spec& q, rendered& out) {
    if (q.order.empty()) return;
    out.sql += " ORDER BY ";
    const std::vector<order_term> terms = keyset_terms(q);
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (i) out.sql += ", ";
        out.sql += d.quote(q.table->columns[terms[i].column].name);
        if (terms[i].descending) out.sql += " DESC";
    }
}

rendered render_select(const dialect& d, const query_spec& q, const std::vector<std::size_t>& columns,
                       std::vector<std::uint64_t>& limit_storage) {
    rendered out;
    out.sql = "SELECT ";
    if (columns.empty()) {
        for (std::size_t i = 0; i < q.table->columns.size(); ++i) {
            if (i) out.sql += ", ";
            out.sql += d.quote(q.table->columns[i].name);
        }
    } else {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) out.sql += ", ";
            out.sql += d.quote(q.table->columns.at(columns[i]).name);
        }
    }
    out.sql += " FROM " + d.quote(q.table->name);
    render_where(d, q, out);
    render_order(d, q, out);
    append_limit(d, q, out, limit_storage);
    return out;
}

rendered render_count(const dialect& d, const query_spec& q, std::vector<std::uint64_t>& limit_storage) {
    rendered out;
    if (!q.limit && !q.offset) {
        out.sql = "SELECT COUNT(*) FROM " + d.quote(q.table->name);
        render_where(d, q, out);
        return out;
    }
    // A count of a limited query counts the rows the query would return.
    out.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM " + d.quote(q.table->name);
    render_where(d, q, out);
    render_order(d, q, out);
    append_limit(d, q, out, limit_storage);
    out.sql += ") AS sluice_counted";
    return out;
}

rendered render_update(const dialect& d, const query_spec& q, const std::vector<std::pair<std::size_t, value>>& sets) {
    rendered out;
    out.sql = "UPDATE " + d.quote(q.table->name) + " SET ";
    for (std::size_t i = 0; i < sets.size(); ++i) {
        if (i) out.sql += ", ";
        out.sql += d.quote(q.table->columns.at(sets[i].first).name) + " = ?";
        out.params.push_back(as_ref(sets[i].second));
    }
    render_where(d, q, out);
    return out;
}

rendered render_delete(const dialect& d, const query_spec& q) {
    rendered out;
    out.sql = "DELETE FROM " + d.quote(q.table->name);
    render_where(d, q, out);
    return out;
}

}  // namespace sluice::detail
