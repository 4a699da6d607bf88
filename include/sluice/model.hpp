// Models: plain aggregates reflected with Boost.PFR. No macros, no code generator.
//
//   struct User {
//       static constexpr std::string_view table_name = "users";   // default: snake_case of the type
//       std::int64_t id = 0;                                      // primary key: field `id`, or
//       // static constexpr std::array<std::string_view, 2> primary_key{"tenant", "id"};
//       static constexpr std::array<std::string_view, 1> indexes{"age"};  // optional; "a,b" = one composite index
//       std::int32_t age = 0;
//       std::optional<std::string> bio;                           // nullable column
//   };
//
// A single integer primary key is filled by the database (AUTO_INCREMENT / rowid) when it is 0
// on insert; declare `static constexpr bool auto_increment = false;` to always supply it.
//
// Existing tables: `static constexpr sluice::column_option columns[] = {...}` gives a field
// another column name, the SQL type create_table() declares, or leaves it to the server
// (server_default). `unique_indexes` is like `indexes`, declared UNIQUE. Keys and index specs
// name fields; statements use the column names.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>  // std::addressof
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/pfr.hpp>

#include <sluice/detail/brace_count.hpp>
#include <sluice/detail/export.hpp>
#include <sluice/detail/field_names.hpp>
#include <sluice/types.hpp>

namespace sluice {

// Options of one field of a model, checked at compile time.
struct column_option {
    std::string_view field;          // the C++ field's name (must exist)
    std::string_view column = {};    // the column's name, when it is not the field's
    // The type create_table() declares, e.g. "VARCHAR(128)", "DECIMAL(5,2)", "ENUM('G','PG')",
    // "TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP": a type name, its
    // arguments (numbers or quoted labels), UNSIGNED/ZEROFILL/CHARACTER SET/COLLATE, and a DEFAULT
    // and ON UPDATE of a literal or CURRENT_TIMESTAMP. Nothing else passes the check.
    std::string_view sql_type = {};
    // The server fills the column (DEFAULT, ON UPDATE, a trigger): left out of INSERT and of
    // update(obj); read back like any other column.
    bool server_default = false;
};

// One column of a model, type-erased so that rendering and row mapping are compiled once.
struct column_info {
    std::string_view name;  // the column's name in SQL
    column_kind kind;
    bool nullable;
    bool primary_key;
    std::size_t offset;  // of the field inside the model object
    detail::field_codec codec;
    std::string_view field;               // the C++ field's name
    std::string_view table;               // the model's table, for messages
    std::string_view sql_type;            // from column_option; empty: the dialect's default
    bool server_default = false;
    std::span<const std::string_view> labels;  // an enum's (ENUM) or enum set's (SET) labels
    bool label_set = false;                    // SET rather than ENUM
};

struct table_info {
    std::string_view name;
    std::vector<column_info> columns;
    std::vector<std::size_t> primary_key;  // indices into columns, in key order
    bool auto_increment = false;           // single integer key assigned by the database
    std::vector<std::vector<std::size_t>> indexes;
    std::vector<std::vector<std::size_t>> unique_indexes;

    SLUICE_API std::size_t column_at_offset(std::size_t offset) const;
    SLUICE_API const column_info* find(std::string_view column) const noexcept;
};

namespace detail {

template <class> inline constexpr bool always_false = false;

constexpr bool is_identifier(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (digit && i > 0))) return false;
    }
    return true;
}

template <class T> consteval std::string_view model_table_name() {
    if constexpr (requires { std::string_view{T::table_name}; }) return T::table_name;
    else return snake_type_name<T>.view();
}

template <class T> consteval bool has_primary_key_override() {
    return requires { T::primary_key; };
}

template <class T> constexpr std::size_t field_index(std::string_view name) {
    const auto& names = field_names<T>;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return i;
    return names.size();
}

template <class T> consteval auto primary_key_names() {
    if constexpr (has_primary_key_override<T>()) {
        std::array<std::string_view, std::size(T::primary_key)> out{};
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = T::primary_key[i];
        return out;
    } else {
        return std::array<std::string_view, 1>{"id"};
    }
}

template <class T> consteval bool primary_key_is_valid() {
    constexpr auto names = primary_key_names<T>();
    if (names.empty()) return false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (field_index<T>(names[i]) == field_names<T>.size()) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (names[i] == names[j]) return false;
    }
    return true;
}

// An index spec is comma-separated field names ("last_name, first_name"); spaces around names
// are allowed. Calls f(name) for each until f returns false; returns whether all were visited.
// The one parser of specs: the compile-time check below and finish_table_info both use it.
template <class F> constexpr bool for_each_index_field(std::string_view spec, F f) {
    while (true) {
        const std::size_t comma = spec.find(',');
        std::string_view part = spec.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!f(part)) return false;
        if (comma == std::string_view::npos) return true;
        spec.remove_prefix(comma + 1);
    }
}

template <class T, class Specs> consteval bool index_specs_are_valid(const Specs& specs) {
    for (std::string_view spec : specs)
        if (spec.empty() ||
            !for_each_index_field(spec, [](std::string_view field) { return field_index<T>(field) != field_names<T>.size(); }))
            return false;
    return true;
}

template <class T> consteval bool indexes_are_valid() {
    if constexpr (requires { T::indexes; })
        if (!index_specs_are_valid<T>(T::indexes)) return false;
    if constexpr (requires { T::unique_indexes; })
        if (!index_specs_are_valid<T>(T::unique_indexes)) return false;
    return true;
}

template <class T> consteval bool has_column_options() {
    return requires { std::size(T::columns); column_option{T::columns[0]}; };
}

// The column name of field i: its column_option's, or the field's own.
template <class T> consteval std::string_view column_name_of(std::size_t i) {
    if constexpr (has_column_options<T>())
        for (const column_option& o : T::columns)
            if (o.field == field_names<T>[i] && !o.column.empty()) return o.column;
    return field_names<T>[i];
}

template <class T> consteval column_option option_of(std::string_view field) {
    if constexpr (has_column_options<T>())
        for (const column_option& o : T::columns)
            if (o.field == field) return o;
    return column_option{field};
}

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}
constexpr bool word_in(std::string_view word, std::initializer_list<std::string_view> words) noexcept {
    for (std::string_view w : words)
        if (equals_ignoring_case(word, w)) return true;
    return false;
}

// Whether a column_option's sql_type is a column type and nothing more (see column_option).
// create_table() writes it into the DDL as given, so it must not be able to say anything else.
constexpr bool is_sql_type_declaration(std::string_view s) noexcept {
    enum class at { start, after_type, in_args, after_args, charset_name, after_default, after_on, after_update };
    at state = at::start;
    bool expect_arg = true;  // inside (...): an argument is due (after '(' or ',')
    std::size_t i = 0;
    auto skip_spaces = [&] { while (i < s.size() && s[i] == ' ') ++i; };
    // A quoted literal at s[i]: any printable character but a backslash; '' is a quote.
    auto skip_quoted = [&] {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '\'') {
                if (i + 1 < s.size() && s[i + 1] == '\'') { ++i; continue; }
                ++i;
                return true;
            }
            if (s[i] == '\\' || static_cast<unsigned char>(s[i]) < 0x20) return false;
        }
        return false;
    };
    while (true) {
        skip_spaces();
        if (i == s.size()) return state == at::after_type || state == at::after_args || state == at::after_default;
        const char c = s[i];
        if (state == at::in_args) {
            if (expect_arg && c >= '0' && c <= '9') {
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
                expect_arg = false;
            } else if (expect_arg && c == '\'') {
                if (!skip_quoted()) return false;  // a label
                expect_arg = false;
            } else if (!expect_arg && c == ',') {
                ++i;
                expect_arg = true;
            } else if (!expect_arg && c == ')') {
                ++i;
                state = at::after_args;
            } else {
                return false;
            }
            continue;
        }
        if (c == '(') {
            if (state != at::after_type) return false;
            ++i;
            state = at::in_args;
            expect_arg = true;
            continue;
        }
        if (state == at::after_default && (c == '\'' || c == '-' || (c >= '0' && c <= '9'))) {
            return false;  // a DEFAULT literal comes right after DEFAULT, handled below
        }
        // A word.
        const std::size_t begin = i;
        while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
                                (i > begin && s[i] >= '0' && s[i] <= '9')))
            ++i;
        if (i == begin) return false;
        const std::string_view word = s.substr(begin, i - begin);
        switch (state) {
        case at::start:
            if (!word_in(word, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric",
                                "dec", "fixed", "float", "double", "real", "bit", "bool", "boolean", "char", "varchar",
                                "binary", "varbinary", "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob",
                                "mediumblob", "longblob", "enum", "set", "date", "datetime", "timestamp", "time", "year",
                                "json", "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                                "multipolygon", "geometrycollection", "uuid", "inet4", "inet6", "clob"}))
                return false;
            state = at::after_type;
            break;
        case at::after_type: case at::after_args: case at::after_default:
            if (state != at::after_default && word_in(word, {"unsigned", "signed", "zerofill", "precision", "binary"})) {
                state = at::after_args;
            } else if (state != at::after_default && word_in(word, {"charset", "collate"})) {
                state = at::charset_name;
            } else if (state != at::after_default && word_in(word, {"character"})) {
                skip_spaces();
                const std::size_t set_begin = i;
                while (i < s.size() && s[i] != ' ') ++i;
                if (!equals_ignoring_case(s.substr(set_begin, i - set_begin), "set")) return false;
                state = at::charset_name;
            } else if (state != at::after_default && word_in(word, {"default"})) {
                skip_spaces();
                // A literal: a number, a quoted string, NULL, or CURRENT_TIMESTAMP[(n)].
                if (i < s.size() && s[i] == '\'') {
                    if (!skip_quoted()) return false;
                } else if (i < s.size() && (s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))) {
                    if (s[i] == '-') ++i;
                    const std::size_t digits = i;
                    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
                    if (i == digits) return false;
                } else {
                    const std::size_t w = i;
                    while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) ++i;
                    const std::string_view literal = s.substr(w, i - w);
                    if (!word_in(literal, {"null", "current_timestamp", "true", "false"})) return false;
                    if (equals_ignoring_case(literal, "current_timestamp") && i < s.size() && s[i] == '(') {
                        ++i;
                        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
                        if (i == s.size() || s[i] != ')') return false;
                        ++i;
                    }
                }
                state = at::after_default;
            } else if (word_in(word, {"on"})) {
                state = at::after_on;
            } else {
                return false;
            }
            break;
        case at::charset_name:
            state = at::after_args;
            break;
        case at::after_on:
            if (!word_in(word, {"update"})) return false;
            state = at::after_update;
            break;
        case at::after_update:
            if (!word_in(word, {"current_timestamp"})) return false;
            if (i < s.size() && s[i] == '(') {
                ++i;
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
                if (i == s.size() || s[i] != ')') return false;
                ++i;
            }
            state = at::after_default;
            break;
        case at::in_args:
            return false;
        }
    }
}

// 0: the options are valid; otherwise which rule fails (see check_model's messages).
template <class T> consteval int column_options_problem() {
    if constexpr (has_column_options<T>()) {
        constexpr std::size_t n = std::size(T::columns);
        for (std::size_t i = 0; i < n; ++i) {
            const column_option& o = T::columns[i];
            if (field_index<T>(o.field) == field_names<T>.size()) return 1;
            for (std::size_t j = 0; j < i; ++j)
                if (T::columns[j].field == o.field) return 2;
            if (!o.column.empty() && !is_identifier(o.column)) return 3;
            if (!o.sql_type.empty() && !is_sql_type_declaration(o.sql_type)) return 4;
            if (o.server_default)
                for (std::string_view key : primary_key_names<T>())
                    if (key == o.field) return 6;
        }
    }
    for (std::size_t i = 0; i < field_names<T>.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (equals_ignoring_case(column_name_of<T>(i), column_name_of<T>(j))) return 5;
    return 0;
}

template <class T, std::size_t... I>
consteval std::size_t first_unsupported_field(std::index_sequence<I...>) {
    std::size_t found = sizeof...(I);
    ((found == sizeof...(I) && !is_supported_field<boost::pfr::tuple_element_t<I, T>> ? found = I : 0),
     ...);
    return found;
}

// Checks a model's rules one at a time, so that a broken model produces one `sluice:` message
// naming the fix, not a cascade from deep inside the reflection.
template <class T> consteval bool check_model() {
    if constexpr (!std::is_class_v<T> || !std::is_aggregate_v<T>) {
        static_assert(always_false<T>,
                      "sluice: a model must be an aggregate struct (public fields, no user-declared "
                      "constructors, no virtual functions): remove the constructors or use a plain struct");
        return false;
    } else if constexpr (!takes_empty_braces<T, boost::pfr::tuple_size_v<T>>()) {
        static_assert(always_false<T>,
                      "sluice: a model cannot have a C array field: use std::string for text, "
                      "sluice::blob for bytes, or a separate model for repeated values");
        return false;
    } else if constexpr (constexpr std::size_t bad = first_unsupported_field<T>(
                             std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
                         bad != boost::pfr::tuple_size_v<T>) {
        static_assert(always_false<T>,
                      "sluice: a model field has a type with no SQL mapping: use an integer, bool, "
                      "float, double, std::string, sluice::blob, sluice::datetime, sluice::date, "
                      "sluice::decimal, std::chrono::year, an enum, or std::optional of one of them; or "
                      "specialize sluice::type_conversion<T> to store it as one (see no_sql_mapping_for_field_type below)");
        [[maybe_unused]] no_sql_mapping_for_field_type<boost::pfr::tuple_element_t<bad, T>>* shown = nullptr;
        return false;
    } else if constexpr (!has_primary_key_override<T>() &&
                         field_index<T>("id") == field_names<T>.size()) {
        static_assert(always_false<T>,
                      "sluice: model has no primary key: add a field named id, or declare "
                      "static constexpr std::array<std::string_view, N> primary_key{\"field\", ...}");
        return false;
    } else if constexpr (!primary_key_is_valid<T>()) {
        static_assert(always_false<T>,
                      "sluice: primary_key names a field the model does not have (or names one twice): "
                      "list existing field names, e.g. primary_key{\"tenant_id\", \"id\"}");
        return false;
    } else if constexpr (!is_identifier(model_table_name<T>())) {
        static_assert(always_false<T>,
                      "sluice: table_name must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64 "
                      "characters): rename it");
        return false;
    } else if constexpr (!indexes_are_valid<T>()) {
        static_assert(always_false<T>,
                      "sluice: indexes or unique_indexes names a field the model does not have: each entry "
                      "is a field name or comma-separated field names, e.g. indexes{\"age\", \"last_name,first_name\"}");
        return false;
    } else if constexpr (column_options_problem<T>() == 1) {
        static_assert(always_false<T>, "sluice: a column_option names a field the model does not have (.field = \"...\")");
        return false;
    } else if constexpr (column_options_problem<T>() == 2) {
        static_assert(always_false<T>, "sluice: two column_option entries name the same field: merge them");
        return false;
    } else if constexpr (column_options_problem<T>() == 3) {
        static_assert(always_false<T>,
                      "sluice: a column_option's .column must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*, "
                      "at most 64 characters); reserved words are fine, sluice quotes every name");
        return false;
    } else if constexpr (column_options_problem<T>() == 4) {
        static_assert(always_false<T>,
                      "sluice: a column_option's .sql_type is not a column type: write a type name with its "
                      "arguments, e.g. \"VARCHAR(45)\", \"DECIMAL(5,2)\", \"ENUM('a','b')\", optionally "
                      "UNSIGNED, CHARACTER SET/COLLATE, DEFAULT <literal> and ON UPDATE CURRENT_TIMESTAMP");
        return false;
    } else if constexpr (column_options_problem<T>() == 6) {
        static_assert(always_false<T>,
                      "sluice: a primary key field cannot be server_default: rows are found by their key, so "
                      "sluice must know it (an integer key the database assigns is AUTO_INCREMENT already)");
        return false;
    } else if constexpr (column_options_problem<T>() == 5) {
        static_assert(always_false<T>, "sluice: two fields map to the same column name (names compare case-insensitively)");
        return false;
    } else {
        return true;
    }
}

template <class T> const T& probe_object() {
    // Offsets are read off a real object: aggregates may not be standard-layout, so offsetof
    // is not an option.
    static const T probe{};
    return probe;
}

template <class T, std::size_t I> column_info make_column(const T& probe) {
    using field = boost::pfr::tuple_element_t<I, T>;
    using traits = field_traits<typename column_type<field>::type>;
    constexpr auto pk = primary_key_names<T>();
    constexpr std::string_view name = field_names<T>[I];
    constexpr column_option option = option_of<T>(name);
    bool in_key = false;
    for (std::string_view k : pk) in_key = in_key || k == name;
    const auto* base = reinterpret_cast<const char*>(std::addressof(probe));
    const auto* member = reinterpret_cast<const char*>(std::addressof(boost::pfr::get<I>(probe)));
    column_info c{column_name_of<T>(I),
                  traits::kind,
                  column_type<field>::nullable,
                  in_key,
                  static_cast<std::size_t>(member - base),
                  codec_for<field>,
                  name,
                  model_table_name<T>(),
                  option.sql_type,
                  option.server_default,
                  {},
                  false};
    if constexpr (requires { traits::labels(); }) c.labels = traits::labels();
    if constexpr (requires { traits::label_set; }) c.label_set = traits::label_set;
    return c;
}

SLUICE_API void finish_table_info(table_info& info, std::span<const std::string_view> primary_key,
                                  std::span<const std::string_view> index_specs,
                                  std::span<const std::string_view> unique_specs, bool auto_increment);

template <class T> constexpr std::span<const std::string_view> specs_of_indexes() {
    if constexpr (requires { T::indexes; }) return T::indexes;
    else return {};
}
template <class T> constexpr std::span<const std::string_view> specs_of_unique_indexes() {
    if constexpr (requires { T::unique_indexes; }) return T::unique_indexes;
    else return {};
}

template <class T, std::size_t... I> table_info build_table_info(std::index_sequence<I...>) {
    const T& probe = probe_object<T>();
    table_info info{model_table_name<T>(), {make_column<T, I>(probe)...}, {}, false, {}, {}};
    static constexpr auto pk = primary_key_names<T>();
    bool auto_increment = true;
    if constexpr (requires { bool{T::auto_increment}; }) auto_increment = T::auto_increment;
    finish_table_info(info, pk, specs_of_indexes<T>(), specs_of_unique_indexes<T>(), auto_increment);
    return info;
}

}  // namespace detail

// A struct sluice can map: an aggregate of supported field types with a primary key.
template <class T>
concept model = std::is_class_v<T> && std::is_aggregate_v<T> && requires { detail::check_model<T>(); };

// The reflected description of a model, built once.
template <class T> const table_info& table_of() {
    static_assert(detail::check_model<T>());
    static const table_info info =
        detail::build_table_info<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    return info;
}

// Column index of a member pointer (&User::age) in table_of<T>().columns.
template <class T, class M> std::size_t column_index(M T::*member) {
    const T& probe = detail::probe_object<T>();
    const auto* base = reinterpret_cast<const char*>(std::addressof(probe));
    const auto* field = reinterpret_cast<const char*>(std::addressof(probe.*member));
    return table_of<T>().column_at_offset(static_cast<std::size_t>(field - base));
}

}  // namespace sluice
