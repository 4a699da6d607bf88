#include "render.hpp"

namespace sluice::detail {

std::vector<std::string> render_create_table(const dialect& d, const table_info& t) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + d.quote(t.name) + " (\n";
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (i) sql += ",\n";
        sql += "  " + d.quote(t.columns[i].name) + " " + d.column_definition(t, t.columns[i]);
    }
    if (!d.inline_primary_key(t)) {
        sql += ",\n  PRIMARY KEY (";
        for (std::size_t i = 0; i < t.primary_key.size(); ++i) {
            if (i) sql += ", ";
            sql += d.quote(t.columns[t.primary_key[i]].name);
        }
        sql += ")";
    }
    sql += "\n)" + d.table_options();
    std::vector<std::string> statements{std::move(sql)};
    for (const auto& index : t.indexes) statements.push_back(d.create_index(t, index));
    return statements;
}

std::string render_drop_table(const dialect& d, const table_info& t) {
    return "DROP TABLE IF EXISTS " + d.quote(t.name);
}

std::string render_column_list(const dialect& d, const table_info& t) {
    std::string out;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (i) out += ", ";
        out += d.quote(t.columns[i].name);
    }
    return out;
}

std::string render_insert(const dialect& d, const table_info& t, bool with_key, std::size_t rows) {
    std::string names, marks;
    for (const column_info& c : t.columns) {
        if (!with_key && t.auto_increment && c.primary_key) continue;
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

std::string render_update_by_key(const dialect& d, const table_info& t) {
    std::string sets;
    for (const column_info& c : t.columns) {
        if (c.primary_key) continue;
        if (!sets.empty()) sets += ", ";
        sets += d.quote(c.name) + " = ?";
    }
    return "UPDATE " + d.quote(t.name) + " SET " + sets + " WHERE " + render_key_match(d, t);
}

std::string render_delete_by_key(const dialect& d, const table_info& t) {
    return d.delete_from(t.name) + " WHERE " + render_key_match(d, t);
}

}  // namespace sluice::detail
