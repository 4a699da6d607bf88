// Schema: create_table, drop_table and verify (the live table against the model).
#include <algorithm>

#include "session/session_impl.hpp"
#include "sql/render_ddl.hpp"
#include "types/ascii.hpp"

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
        std::int64_t key_position;  // in the primary key, from 1; 0 outside it
    };
    std::vector<live_column> live;
    const std::string_view table_name = t.name;
    const value_ref name_param[] = {table_name};
    const detail::dialect& d = impl().sql();
    impl().run(d.describe_columns(), name_param, [&](detail::row_reader& r) {
        live.push_back({std::string(r.get_text(0)), std::string(r.get_text(1)), r.get_int64(2) != 0, r.get_int64(3)});
    });
    if (live.empty()) throw schema_error("sluice: table " + std::string(t.name) + " does not exist (create_table<T>() creates it)");

    std::vector<std::string> problems;
    auto nullability = [](bool nullable) { return nullable ? "NULL" : "NOT NULL"; };
    for (const column_info& c : t.columns) {
        // Column names compare as the server does: case-insensitively on both backends.
        const auto found = std::find_if(live.begin(), live.end(), [&](const live_column& l) {
            return detail::ascii_lowercase(l.name) == detail::ascii_lowercase(c.name);
        });
        const bool expected_nullable = c.nullable && !c.primary_key;
        const std::string field = "field " + std::string(c.field) + " (" + std::string(to_string(c.kind)) +
                                  (c.labels.empty() ? "" : c.label_set ? " set of labels" : " by label") + ")";
        if (found == live.end()) {
            problems.push_back("column " + std::string(c.name) + ": missing (the model's " + field + ")");
            continue;
        }
        if (const std::string why = d.type_problem(c, found->type); !why.empty())
            problems.push_back("column " + std::string(c.name) + ": " + why + " for " + field + ", found " + found->type);
        if (found->nullable != expected_nullable)
            problems.push_back("column " + std::string(c.name) + ": expected " + nullability(expected_nullable) + " for " +
                               field + (expected_nullable ? " (std::optional)" : " (not std::optional)") + ", found " +
                               nullability(found->nullable));
    }
    // The key is what keyset pages, get(), update() and batched walks identify rows by: a model
    // whose key is not the table's would page and update wrongly, so it never passes.
    std::vector<const live_column*> live_key;
    for (const live_column& l : live)
        if (l.key_position > 0) live_key.push_back(&l);
    std::sort(live_key.begin(), live_key.end(), [](auto* a, auto* b) { return a->key_position < b->key_position; });
    std::string model_key_text, live_key_text;
    bool same_key = live_key.size() == t.primary_key.size();
    for (std::size_t i = 0; i < t.primary_key.size(); ++i) {
        const std::string_view name = t.columns[t.primary_key[i]].name;
        model_key_text += (i ? ", " : "") + std::string(name);
        if (same_key && detail::ascii_lowercase(live_key[i]->name) != detail::ascii_lowercase(name)) same_key = false;
    }
    for (std::size_t i = 0; i < live_key.size(); ++i) live_key_text += (i ? ", " : "") + live_key[i]->name;
    if (!same_key)
        problems.push_back("primary key: the model's is (" + model_key_text + "), the table's is " +
                           (live_key.empty() ? std::string("none") : "(" + live_key_text + ")"));
    if (problems.empty()) return;
    std::string message = "sluice: table " + std::string(t.name) + " does not match its model:";
    for (const std::string& p : problems) message += "\n  " + p;
    throw schema_error(message);
}


}  // namespace sluice
