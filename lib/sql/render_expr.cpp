// Expressions and WHERE: one render function per predicate node, the dialect as an argument.
#include "sql/render_expr.hpp"

#include <sluice/error.hpp>

#include "sql/render_arith.hpp"

namespace sluice::detail {

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

namespace {

bool is_compound(const expr_node& n) {
    const bool multi_column_tuple = n.op >= expr_op::tuple_gt && n.op <= expr_op::tuple_le && n.children.size() > 1;
    return n.op == expr_op::all_of || n.op == expr_op::any_of || multi_column_tuple;
}

// (c0, c1, ...) <op> (v0, v1, ...), with a redundant bound on c0 first so that both backends
// read one index range on it.
void render_tuple_bound(const dialect& d, const scope& t, const expr_node& n, rendered& out) {
    const bool after = n.op == expr_op::tuple_gt || n.op == expr_op::tuple_ge;
    const bool inclusive = n.op == expr_op::tuple_ge || n.op == expr_op::tuple_le;
    const std::string strict = after ? " > " : " < ";
    const std::string last_op = inclusive ? (after ? " >= " : " <= ") : strict;
    const auto& parts = n.children;
    if (parts.empty()) throw error("sluice: internal error: an empty tuple comparison");
    auto name = [&](std::size_t i) { return t.name(d, parts[i].model, parts[i].column); };
    auto bind = [&](std::size_t i) { out.params.push_back(as_ref(parts[i].values.at(0))); };
    if (parts.size() == 1) {
        out.sql += name(0) + last_op + "?";
        bind(0);
        return;
    }
    out.sql += name(0) + (after ? " >= ?" : " <= ?") + " AND ";
    bind(0);
    if (d.row_value_bounds()) {
        std::string names, marks;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            names += (i ? ", " : "") + name(i);
            marks += i ? ", ?" : "?";
            bind(i);
        }
        out.sql += "(" + names + ")" + last_op + "(" + marks + ")";
        return;
    }
    // (c0 > ? OR (c0 = ? AND (c1 > ? OR (c1 = ? AND c2 >= ?))))
    std::string closing;
    out.sql += '(';
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i + 1 == parts.size()) {
            out.sql += name(i) + last_op + "?";
            bind(i);
            break;
        }
        out.sql += name(i) + strict + "? OR (" + name(i) + " = ? AND ";
        bind(i);
        bind(i);
        if (i + 2 < parts.size()) {
            out.sql += '(';
            closing += ')';
        }
        closing += ')';
    }
    out.sql += closing + ')';
}

void render_child(const dialect& d, const scope& t, const expr_node& n, rendered& out) {
    if (is_compound(n)) out.sql += '(';
    render_expr(d, t, n, out);
    if (is_compound(n)) out.sql += ')';
}


}  // namespace

void render_expr(const dialect& d, const scope& t, const expr_node& n, rendered& out) {
    auto column_name = [&](std::size_t c) { return t.name(d, n.model, c); };
    switch (n.op) {
    case expr_op::eq: case expr_op::ne: case expr_op::lt: case expr_op::le: case expr_op::gt: case expr_op::ge:
        if (n.column == no_column) {  // arithmetic on either side
            render_arith(d, t, n.children.at(0), false, out);
            out.sql += comparison(n.op);
            render_arith(d, t, n.children.at(1), false, out);
            return;
        }
        out.sql += column_name(n.column);
        out.sql += comparison(n.op);
        if (n.other_column != no_column) {
            out.sql += t.name(d, n.other_model, n.other_column);
        } else {
            out.sql += '?';
            out.params.push_back(as_ref(n.values.at(0)));
        }
        return;
    case expr_op::like: {
        // The literal prefix as an exact range leads, so an index serves the LIKE; the LIKE
        // itself is the dialect's exact form (see dialect::like_operand).
        const std::string name = column_name(n.column);
        const bool ranged = n.values.size() > 1 && d.like_prefix_range();
        if (ranged) {
            out.sql += "(" + name + " >= ? AND ";
            out.params.push_back(as_ref(n.values[1]));
            if (n.values.size() > 2) {
                out.sql += name + " < ? AND ";
                out.params.push_back(as_ref(n.values[2]));
            }
        }
        out.sql += d.like_operand(name) + " LIKE ?";
        out.sql += d.like_escape_clause();
        out.params.push_back(as_ref(n.values.at(0)));
        if (ranged) out.sql += ')';
        return;
    }
    case expr_op::in:
        out.sql += column_name(n.column) + " IN (";
        for (std::size_t i = 0; i < n.values.size(); ++i) {
            out.sql += i ? ", ?" : "?";
            out.params.push_back(as_ref(n.values[i]));
        }
        out.sql += ')';
        return;
    case expr_op::between:
        // Not BETWEEN: MariaDB 10.11's range optimizer drops rows from BETWEEN on an indexed
        // NO PAD text column (' ' BETWEEN ' ' AND '  ' misses '  '); >= and <= are exact.
        // Appended piece by piece: "(" + std::string&& trips GCC 12's -O3 -Wrestrict false positive.
        out.sql += '(';
        out.sql += column_name(n.column) + " >= ? AND ";
        out.sql += column_name(n.column) + " <= ?)";
        out.params.push_back(as_ref(n.values.at(0)));
        out.params.push_back(as_ref(n.values.at(1)));
        return;
    case expr_op::is_null: out.sql += column_name(n.column) + " IS NULL"; return;
    case expr_op::is_not_null: out.sql += column_name(n.column) + " IS NOT NULL"; return;
    case expr_op::always_false: out.sql += "1 = 0"; return;
    case expr_op::tuple_gt: case expr_op::tuple_ge: case expr_op::tuple_lt: case expr_op::tuple_le:
        render_tuple_bound(d, t, n, out);
        return;
    case expr_op::arith_column: case expr_op::arith_value: case expr_op::add: case expr_op::subtract:
    case expr_op::multiply: case expr_op::divide: case expr_op::int_divide: case expr_op::negative: case expr_op::to_real:
        throw error("sluice: internal error: an arithmetic expression where a condition belongs");
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
    // The keyset predicate leads: SQLite starts its index range at the first usable bound on
    // the leading key, and a filter such as age >= 18 would otherwise make every page rescan
    // from the filter's bound (quadratic). MariaDB intersects the bounds either way.
    if (extra) {
        out.sql += extra->sql;
        out.params.insert(out.params.end(), extra->params.begin(), extra->params.end());
    }
    if (q.filter) {
        const bool wrap = extra && q.filter->op == expr_op::any_of;
        if (extra) out.sql += " AND ";
        if (wrap) out.sql += '(';
        render_expr(d, scope(q), *q.filter, out);
        if (wrap) out.sql += ')';
    }
}

expr_node key_tuple_bound(const table_info& t, expr_op op, const std::vector<value>& key) {
    expr_node bound{op, no_column, no_column, {}, {}};
    for (std::size_t i = 0; i < t.primary_key.size(); ++i)
        bound.children.push_back(expr_node{expr_op::eq, t.primary_key[i], no_column, {key.at(i)}, {}});
    return bound;
}

}  // namespace sluice::detail
