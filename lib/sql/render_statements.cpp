// Statements: SELECT, COUNT, UPDATE, DELETE by filter; INSERT/UPSERT; single rows by key.
#include "sql/render_statements.hpp"

#include <algorithm>

#include <sluice/error.hpp>

#include "sql/render_arith.hpp"
#include "sql/render_expr.hpp"
#include "sql/render_keyset.hpp"

namespace sluice::detail {
namespace {

void append_limit(const dialect& d, const query_spec& q, rendered& out) {
    if (!q.limit && !q.offset) return;
    // A LIMIT must come before an OFFSET; "no limit" is spelled by the dialect.
    out.sql += " LIMIT ?";
    out.params.emplace_back(q.limit.value_or(d.no_limit()));
    if (q.offset) {
        out.sql += " OFFSET ?";
        out.params.emplace_back(*q.offset);
    }
}

// The order the SET clause lists `sets` in, so that every expression reads the row as it was
// before the update. SQLite (standard SQL) assigns all at once; MariaDB assigns left to right,
// so there an expression must come before every assignment to a column it reads. Assignments to
// one column keep their order (the last wins on both). Otherwise the order of the call.
std::vector<std::size_t> assignment_order(const table_info& t, const std::vector<column_set>& sets) {
    const std::size_t n = sets.size();
    std::vector<std::vector<std::size_t>> reads(n);
    for (std::size_t i = 0; i < n; ++i)
        if (sets[i].expr) arith_columns(*sets[i].expr, reads[i]);
    // i must come before j
    auto before = [&](std::size_t i, std::size_t j) {
        if (sets[i].column == sets[j].column) return i < j;
        return std::find(reads[i].begin(), reads[i].end(), sets[j].column) != reads[i].end();
    };
    std::vector<std::size_t> order;
    std::vector<bool> placed(n, false);
    while (order.size() < n) {
        std::size_t next = n;
        for (std::size_t j = 0; j < n && next == n; ++j) {
            if (placed[j]) continue;
            bool ready = true;
            for (std::size_t i = 0; i < n && ready; ++i) ready = placed[i] || i == j || !before(i, j);
            if (ready) next = j;
        }
        if (next == n) {
            std::string columns;
            for (std::size_t j = 0; j < n; ++j)
                if (!placed[j]) columns += (columns.empty() ? "" : ", ") + std::string(t.columns.at(sets[j].column).name);
            throw error("sluice: " + std::string(t.name) + ": update: the set() expressions read columns that other set()s of "
                        "the same update assign, in a cycle (" + columns + "); MariaDB assigns left to right, so no order "
                        "lets every expression read the row as it was: split the update in two");
        }
        placed[next] = true;
        order.push_back(next);
    }
    return order;
}

// The order of a plain query: its keys then the primary key as tiebreak; none without order_by.
void render_query_order(const dialect& d, const query_spec& q, rendered& out) {
    if (!q.order.empty()) render_order_by(d, scope(q), keyset_terms(q), out);
}

}  // namespace

void render_order_by(const dialect& d, const scope& s, const std::vector<order_term>& terms, rendered& out) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
        out.sql += i ? ", " : " ORDER BY ";
        out.sql += s.name(d, terms[i].model, terms[i].column);
        if (terms[i].descending) out.sql += " DESC";
    }
}

rendered render_select(const dialect& d, const query_spec& q, const std::vector<std::size_t>& columns,
                       const rendered* after) {
    rendered out;
    out.sql = "SELECT " + render_column_list(d, scope(q), columns) + " FROM ";
    scope(q).render_from(d, out);
    render_where(d, q, out, after);
    render_query_order(d, q, out);
    append_limit(d, q, out);
    return out;
}

rendered render_count(const dialect& d, const query_spec& q, const rendered* after) {
    rendered out;
    if (!q.limit && !q.offset) {
        out.sql = "SELECT COUNT(*) FROM ";
        scope(q).render_from(d, out);
        render_where(d, q, out, after);
        return out;
    }
    // A count of a limited query counts the rows the query would return.
    out.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM ";
    scope(q).render_from(d, out);
    render_where(d, q, out, after);
    render_query_order(d, q, out);
    append_limit(d, q, out);
    out.sql += ") AS sluice_counted";
    return out;
}

rendered render_update(const dialect& d, const query_spec& q, const std::vector<column_set>& sets, const rendered* range,
                       std::vector<std::size_t>* param_columns) {
    const table_info& t = *q.table;
    rendered out;
    out.sql = "UPDATE " + d.quote(t.name) + " SET ";
    bool first = true;
    for (std::size_t i : assignment_order(t, sets)) {
        const column_set& set = sets[i];
        if (!first) out.sql += ", ";
        first = false;
        out.sql += d.quote(t.columns.at(set.column).name) + " = ";
        if (set.expr) {
            render_assigned(d, t, set.column, *set.expr, out);
        } else {
            out.sql += '?';
            out.params.push_back(as_ref(set.v));
        }
        if (param_columns) param_columns->resize(out.params.size(), set.column);
    }
    render_where(d, q, out, range);
    return out;
}

rendered render_delete(const dialect& d, const query_spec& q, const rendered* range) {
    rendered out;
    out.sql = d.delete_from(q.table->name);
    render_where(d, q, out, range);
    return out;
}

rendered render_key_probe(const dialect& d, const query_spec& q, std::uint64_t offset) {
    const table_info& t = *q.table;
    const std::vector<std::size_t> key(t.primary_key.begin(), t.primary_key.end());
    rendered out;
    out.sql = "SELECT " + render_column_list(d, scope(q), key) + " FROM ";
    scope(q).render_from(d, out);
    render_where(d, q, out);
    std::vector<order_term> by_key;
    for (std::size_t k : key) by_key.push_back({k, false});
    render_order_by(d, scope(q), by_key, out);
    out.sql += " LIMIT 1 OFFSET ?";
    out.params.emplace_back(offset);
    return out;
}

std::string render_column_list(const dialect& d, const scope& s, const std::vector<std::size_t>& columns) {
    std::string out;
    const std::size_t models = columns.empty() ? s.models() : 1;
    for (std::size_t m = 0; m < models; ++m) {
        const std::size_t n = columns.empty() ? s.table(m).columns.size() : columns.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (!out.empty()) out += ", ";
            out += s.name(d, m, columns.empty() ? i : columns[i]);
        }
    }
    return out;
}

std::string render_insert(const dialect& d, const table_info& t, bool with_key, std::size_t rows) {
    std::string names, marks;
    for (const column_info& c : t.columns) {
        if (!written_by_insert(t, c, with_key)) continue;
        if (!names.empty()) {
            names += ", ";
            marks += ", ";
        }
        names += d.quote(c.name);
        marks += "?";
    }
    std::string sql = "INSERT INTO " + d.quote(t.name) + " (" + names + ") VALUES ";
    sql.reserve(sql.size() + rows * (marks.size() + 4));
    for (std::size_t r = 0; r < rows; ++r) {
        if (r) sql += ", ";
        sql += "(" + marks + ")";
    }
    return sql;
}

std::string render_upsert(const dialect& d, const table_info& t, bool with_key, std::size_t rows) {
    return render_insert(d, t, with_key, rows) + d.upsert_clause(t);
}

std::string render_key_match(const dialect& d, const table_info& t) {
    std::string out;
    for (std::size_t i = 0; i < t.primary_key.size(); ++i) {
        if (i) out += " AND ";
        out += d.quote(t.columns[t.primary_key[i]].name) + " = ?";
    }
    return out;
}

std::string render_select_by_key(const dialect& d, const table_info& t) {
    return "SELECT " + render_column_list(d, t) + " FROM " + d.quote(t.name) + " WHERE " +
           render_key_match(d, t);
}

std::vector<std::size_t> updated_by_default(const table_info& t) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (!t.columns[i].primary_key && !t.columns[i].server_default) out.push_back(i);
    return out;
}

std::string render_update_by_key(const dialect& d, const table_info& t, const std::vector<std::size_t>& columns) {
    std::string sets;
    for (std::size_t i : columns) {
        if (!sets.empty()) sets += ", ";
        sets += d.quote(t.columns[i].name) + " = ?";
    }
    return "UPDATE " + d.quote(t.name) + " SET " + sets + " WHERE " + render_key_match(d, t);
}

std::string render_delete_by_key(const dialect& d, const table_info& t) {
    return d.delete_from(t.name) + " WHERE " + render_key_match(d, t);
}

}  // namespace sluice::detail
