// Statements: SELECT, COUNT, UPDATE, DELETE by filter; INSERT/UPSERT; single rows by key.
#include "sql/render_statements.hpp"

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

// The order of a plain query: its keys then the primary key as tiebreak; none without order_by.
void render_query_order(const dialect& d, const query_spec& q, rendered& out) {
    if (!q.order.empty()) render_order_by(d, *q.table, keyset_terms(q), out);
}

}  // namespace

void render_order_by(const dialect& d, const table_info& t, const std::vector<order_term>& terms, rendered& out) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
        out.sql += i ? ", " : " ORDER BY ";
        out.sql += d.quote(t.columns.at(terms[i].column).name);
        if (terms[i].descending) out.sql += " DESC";
    }
}

rendered render_select(const dialect& d, const query_spec& q, const std::vector<std::size_t>& columns,
                       const rendered* after) {
    rendered out;
    out.sql = "SELECT " + render_column_list(d, *q.table, columns) + " FROM " + d.quote(q.table->name);
    render_where(d, q, out, after);
    render_query_order(d, q, out);
    append_limit(d, q, out);
    return out;
}

rendered render_count(const dialect& d, const query_spec& q, const rendered* after) {
    rendered out;
    if (!q.limit && !q.offset) {
        out.sql = "SELECT COUNT(*) FROM " + d.quote(q.table->name);
        render_where(d, q, out, after);
        return out;
    }
    // A count of a limited query counts the rows the query would return.
    out.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM " + d.quote(q.table->name);
    render_where(d, q, out, after);
    render_query_order(d, q, out);
    append_limit(d, q, out);
    out.sql += ") AS sluice_counted";
    return out;
}

rendered render_update(const dialect& d, const query_spec& q, const std::vector<std::pair<std::size_t, value>>& sets,
                       const rendered* range) {
    rendered out;
    out.sql = "UPDATE " + d.quote(q.table->name) + " SET ";
    for (std::size_t i = 0; i < sets.size(); ++i) {
        if (i) out.sql += ", ";
        out.sql += d.quote(q.table->columns.at(sets[i].first).name) + " = ?";
        out.params.push_back(as_ref(sets[i].second));
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
    out.sql = "SELECT " + render_column_list(d, t, key) + " FROM " + d.quote(t.name);
    render_where(d, q, out);
    std::vector<order_term> by_key;
    for (std::size_t k : key) by_key.push_back({k, false});
    render_order_by(d, t, by_key, out);
    out.sql += " LIMIT 1 OFFSET ?";
    out.params.emplace_back(offset);
    return out;
}

std::string render_column_list(const dialect& d, const table_info& t, const std::vector<std::size_t>& columns) {
    std::string out;
    const std::size_t n = columns.empty() ? t.columns.size() : columns.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ", ";
        out += d.quote(t.columns.at(columns.empty() ? i : columns[i]).name);
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
