// Schema: create_table, drop_table and verify (the live table against the model).
#include <algorithm>

#include "session/session_impl.hpp"
#include "sql/render_ddl.hpp"

namespace sluice {
namespace detail {

std::vector<std::string> create_table_sql(const table_info& t, backend b) { return render_create_table(dialect_of(b), t); }

}  // namespace detail

std::vector<std::string> session::create_table_sql(const table_info& t) const {
    return detail::render_create_table(handle().impl->sql(), t);
}

void session::create_table(const table_info& t) {
    impl().forget_table_engines();
    for (const std::string& sql : create_table_sql(t)) impl().run(sql, {});
}

void session::drop_table(const table_info& t) {
    impl().forget_table_engines();
    impl().run(detail::render_drop_table(impl().sql(), t), {});
}

void session::verify(const table_info& t) {
    struct live_column {
        std::string name, type;
        bool nullable;
    };
    std::vector<live_column> live;
    const std::string_view table_name = t.name;
    const value_ref name_param[] = {table_name};
    const detail::dialect& d = impl().sql();
    impl().run(d.describe_columns(), name_param, [&](detail::row_reader& r) {
        live.push_back({std::string(r.get_text(0)), d.normalize_type(r.get_text(1)), r.get_int64(2) != 0});
    });
    if (live.empty()) throw schema_error("sluice: table " + std::string(t.name) + " does not exist (create_table<T>() creates it)");

    std::vector<std::string> problems;
    auto describe_column = [](std::string_view type, bool nullable) {
        return std::string(type) + (nullable ? " NULL" : " NOT NULL");
    };
    for (const column_info& c : t.columns) {
        const auto found = std::find_if(live.begin(), live.end(), [&](const live_column& l) { return l.name == c.name; });
        const std::string expected_type = d.normalize_type(d.type_name(t, c));
        const bool expected_nullable = c.nullable && !c.primary_key;
        if (found == live.end()) {
            problems.push_back("column " + std::string(c.name) + ": missing (expected " + describe_column(expected_type, expected_nullable) + ")");
            continue;
        }
        const std::string& live_type = found->type;
        if (live_type != expected_type || found->nullable != expected_nullable)
            problems.push_back("column " + std::string(c.name) + ": expected " + describe_column(expected_type, expected_nullable) +
                               " for a " + std::string(to_string(c.kind)) + " field, found " + describe_column(live_type, found->nullable));
    }
    if (problems.empty()) return;
    std::string message = "sluice: table " + std::string(t.name) + " does not match its model:";
    for (const std::string& p : problems) message += "\n  " + p;
    throw schema_error(message);
}


}  // namespace sluice
