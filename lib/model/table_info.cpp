// Reflected tables at run time: columns by offset and name, keys and indexes, and the one shape
// of a column's error message.
#include <sluice/error.hpp>
#include <sluice/model.hpp>

#include "model/messages.hpp"

namespace sluice {

std::size_t table_info::column_at_offset(std::size_t offset) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].offset == offset) return i;
    throw error("sluice: table " + std::string(name) + ": member pointer does not name a column of this model");
}

const column_info* table_info::find(std::string_view column) const noexcept {
    for (const column_info& c : columns)
        if (c.name == column) return &c;
    return nullptr;
}

namespace detail {

void finish_table_info(table_info& info, std::span<const std::string_view> primary_key,
                       std::span<const std::string_view> index_specs, std::span<const std::string_view> unique_specs,
                       bool auto_increment) {
    // Keys and index specs name fields (checked at compile time); statements use column names.
    auto field_column = [&](std::string_view field) {
        for (std::size_t i = 0; i < info.columns.size(); ++i)
            if (info.columns[i].field == field) return i;
        throw error("sluice: table " + std::string(info.name) + ": no field " + std::string(field));
    };
    for (std::string_view key : primary_key) info.primary_key.push_back(field_column(key));
    const column_kind key_kind = info.columns[info.primary_key.front()].kind;
    const bool integer_key = key_kind >= column_kind::int8 && key_kind <= column_kind::uint64;
    info.auto_increment = auto_increment && info.primary_key.size() == 1 && integer_key;
    auto parse = [&](std::span<const std::string_view> specs, std::vector<std::vector<std::size_t>>& out) {
        for (std::string_view spec : specs) {
            std::vector<std::size_t> columns;
            for_each_index_field(spec, [&](std::string_view field) {
                columns.push_back(field_column(field));
                return true;
            });
            out.push_back(std::move(columns));
        }
    };
    parse(index_specs, info.indexes);
    parse(unique_specs, info.unique_indexes);
}


std::string column_message(const table_info& t, const column_info& c, std::string_view what, bool show_nullable) {
    return "sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" + std::string(to_string(c.kind)) +
           (show_nullable && c.nullable ? ", nullable" : "") + "): " + std::string(what);
}

}  // namespace detail
}  // namespace sluice
