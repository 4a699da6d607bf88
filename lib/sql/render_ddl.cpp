// DDL: CREATE TABLE (columns, primary key, table options), its indexes, DROP TABLE.
#include "sql/render_ddl.hpp"

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
    for (const auto& index : t.indexes) statements.push_back(d.create_index(t, index, false));
    for (const auto& index : t.unique_indexes) statements.push_back(d.create_index(t, index, true));
    for (std::string& trigger : d.create_triggers(t)) statements.push_back(std::move(trigger));
    return statements;
}

std::string render_drop_table(const dialect& d, const table_info& t) {
    return "DROP TABLE IF EXISTS " + d.quote(t.name);
}

}  // namespace sluice::detail
