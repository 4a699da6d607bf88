#include "render_query.hpp"

#include "render.hpp"

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

bool is_compound(const expr_node& n) {
    const bool multi_column_tuple = n.op >= expr_op::tuple_gt && n.op <= expr_op::tuple_le && n.children.size() > 1;
    return n.op == expr_op::all_of || n.op == expr_op::any_of || multi_column_tuple;
}

// (c0, c1, ...) <op> (v0, v1, ...), with a redundant bound on c0 first so that both backends
// read one index range on it.
void render_tuple_bound(const dialect& d, const table_info& t, const expr_node& n, rendered& out) {
    const bool after = n.op == expr_op::tuple_gt || n.op == expr_op::tuple_ge;
    const bool inclusive = n.op == expr_op::tuple_ge || n.op == expr_op::tuple_le;
    const std::string strict = after ? " > " : " < ";
    const std::string last_op = inclusive ? (after ? " >= " : " <= ") : strict;
    const auto& parts = n.children;
    if (parts.empty()) throw error("sluice: internal error: an empty tuple comparison");
    auto name = [&](std::size_t i) { return d.quote(t.columns.at(parts[i].column).name); };
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
    case expr_op::like: {
        // The literal prefix as an exact range leads, so an index serves the LIKE; the LIKE
        // itself is the dialect's exact form (see dialect::like_operand).
        const std::string name = column_name(n.column);
        if (n.values.size() > 1) {
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
        if (n.values.size() > 1) out.sql += ')';
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
        out.sql += "(" + column_name(n.column) + " >= ? AND " + column_name(n.column) + " <= ?)";
        out.params.push_back(as_ref(n.values.at(0)));
        out.params.push_back(as_ref(n.values.at(1)));
        return;
    case expr_op::is_null: out.sql += column_name(n.column) + " IS NULL"; return;
    case expr_op::is_not_null: out.sql += column_name(n.column) + " IS NOT NULL"; return;
    case expr_op::always_false: out.sql += "1 = 0"; return;
    case expr_op::tuple_gt: case expr_op::tuple_ge: case expr_op::tuple_lt: case expr_op::tuple_le:
        render_tuple_bound(d, t, n, out);
        return;
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
        render_expr(d, *q.table, *q.filter, out);
        if (wrap) out.sql += ')';
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
                       std::vector<std::uint64_t>& limit_storage, const rendered* after) {
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
    render_where(d, q, out, after);
    render_order(d, q, out);
    append_limit(d, q, out, limit_storage);
    return out;
}

rendered render_count(const dialect& d, const query_spec& q, std::vector<std::uint64_t>& limit_storage,
                      const rendered* after) {
    rendered out;
    if (!q.limit && !q.offset) {
        out.sql = "SELECT COUNT(*) FROM " + d.quote(q.table->name);
        render_where(d, q, out, after);
        return out;
    }
    // A count of a limited query counts the rows the query would return.
    out.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM " + d.quote(q.table->name);
    render_where(d, q, out, after);
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
    out.sql = d.delete_from(q.table->name);
    render_where(d, q, out);
    return out;
}

namespace {

// The pieces of a keyset predicate for key i after value last_key[i], in scan order. NULLs sort
// first ascending and last descending on both backends.
struct keyset_terms_sql {
    const dialect& d;
    const table_info& t;
    const std::vector<order_term>& terms;
    const std::vector<value>& last_key;
    rendered& out;

    std::string name(std::size_t i) const { return d.quote(t.columns[terms[i].column].name); }
    bool is_null(std::size_t i) const { return std::holds_alternative<null_t>(last_key[i]); }
    bool nullable(std::size_t i) const { return t.columns[terms[i].column].nullable; }

    // Strictly after, in scan order; empty when nothing can be (after NULL, descending).
    std::string greater(std::size_t i) {
        if (!terms[i].descending) {
            if (is_null(i)) return name(i) + " IS NOT NULL";
            out.params.push_back(as_ref(last_key[i]));
            return name(i) + " > ?";
        }
        if (is_null(i)) return {};
        out.params.push_back(as_ref(last_key[i]));
        return nullable(i) ? "(" + name(i) + " < ? OR " + name(i) + " IS NULL)" : name(i) + " < ?";
    }
    std::string equal(std::size_t i) {
        if (is_null(i)) return name(i) + " IS NULL";
        out.params.push_back(as_ref(last_key[i]));
        return name(i) + " = ?";
    }
    // At or after: the redundant leading bound; empty when everything is (after NULL, ascending).
    std::string at_or_after(std::size_t i) {
        if (!terms[i].descending) {
            if (is_null(i)) return {};
            out.params.push_back(as_ref(last_key[i]));
            return name(i) + " >= ?";
        }
        if (is_null(i)) return name(i) + " IS NULL";
        out.params.push_back(as_ref(last_key[i]));
        return nullable(i) ? "(" + name(i) + " <= ? OR " + name(i) + " IS NULL)" : name(i) + " <= ?";
    }
};

}  // namespace

void render_keyset(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                   const std::vector<value>& last_key, rendered& out) {
    keyset_terms_sql k{d, t, terms, last_key, out};
    // at_or_after(k0) AND (gt(k0) OR (eq(k0) AND (gt(k1) OR (eq(k1) AND ...))))
    if (const std::string bound = k.at_or_after(0); !bound.empty()) out.sql += bound + " AND ";
    std::string closing;
    out.sql += '(';
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const std::string gt = k.greater(i);
        if (i + 1 == terms.size()) {
            out.sql += gt.empty() ? "1 = 0" : gt;
            break;
        }
        out.sql += gt.empty() ? "(" : gt + " OR (";
        out.sql += k.equal(i) + " AND (";
        closing += "))";
    }
    out.sql += closing + ')';
}

std::size_t keyset_branch_parts(const table_info& t, const std::vector<order_term>& terms,
                                const std::vector<value>& last_key, std::size_t level) {
    const bool split = terms[level].descending && t.columns[terms[level].column].nullable &&
                       !std::holds_alternative<null_t>(last_key[level]);
    return split ? 2 : 1;
}

bool render_keyset_branch(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                          const std::vector<value>& last_key, std::size_t level, rendered& out, std::size_t part) {
    keyset_terms_sql k{d, t, terms, last_key, out};
    const std::size_t params_before = out.params.size();
    std::string sql;
    for (std::size_t i = 0; i < level; ++i) sql += k.equal(i) + " AND ";
    std::string gt;
    if (keyset_branch_parts(t, terms, last_key, level) == 2) {
        gt = k.name(level);
        if (part == 0) {
            out.params.push_back(as_ref(last_key[level]));
            gt += " < ?";
        } else {
            gt += " IS NULL";
        }
    } else {
        gt = k.greater(level);
    }
    if (gt.empty()) {
        out.params.resize(params_before);
        return false;
    }
    out.sql += sql + gt;
    return true;
}

rendered render_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                     const std::vector<value>& last_key, const std::uint64_t& limit,
                     const std::vector<std::size_t>& columns, std::optional<std::size_t> branch, std::size_t part) {
    const table_info& t = *q.table;
    rendered sql;
    sql.sql = "SELECT ";
    if (columns.empty()) {
        sql.sql += render_column_list(d, t);
    } else {
        for (std::size_t i = 0; i < columns.size(); ++i) sql.sql += (i ? ", " : "") + d.quote(t.columns.at(columns[i]).name);
    }
    sql.sql += " FROM " + d.quote(t.name);
    if (!last_key.empty()) {
        rendered keyset;
        if (!branch) render_keyset(d, t, terms, last_key, keyset);
        else if (!render_keyset_branch(d, t, terms, last_key, *branch, keyset, part)) keyset.sql = "1 = 0";
        render_where(d, q, sql, &keyset);
    } else {
        render_where(d, q, sql);
    }
    sql.sql += " ORDER BY ";
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (i) sql.sql += ", ";
        sql.sql += d.quote(t.columns[terms[i].column].name);
        if (terms[i].descending) sql.sql += " DESC";
    }
    sql.sql += " LIMIT ?";
    sql.params.emplace_back(limit);
    return sql;
}

}  // namespace sluice::detail
