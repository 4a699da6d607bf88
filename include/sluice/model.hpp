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
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>  // std::addressof
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/pfr.hpp>

#include <sluice/detail/brace_count.hpp>
#include <sluice/detail/export.hpp>
#include <sluice/detail/field_names.hpp>
#include <sluice/types.hpp>

namespace sluice {

// One column of a model, type-erased so that rendering and row mapping are compiled once.
struct column_info {
    std::string_view name;
    column_kind kind;
    bool nullable;
    bool primary_key;
    std::size_t offset;  // of the field inside the model object
    detail::field_codec codec;
};

struct table_info {
    std::string_view name;
    std::vector<column_info> columns;
    std::vector<std::size_t> primary_key;  // indices into columns, in key order
    bool auto_increment = false;           // single integer key assigned by the database
    std::vector<std::vector<std::size_t>> indexes;

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

template <class T> consteval bool indexes_are_valid() {
    if constexpr (requires { T::indexes; }) {
        for (std::string_view spec : T::indexes)
            if (spec.empty() ||
                !for_each_index_field(spec, [](std::string_view field) { return field_index<T>(field) != field_names<T>.size(); }))
                return false;
    }
    return true;
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
                      "float, double, std::string, sluice::blob, sluice::datetime, sluice::date, an "
                      "enum, or std::optional of one of them (see no_sql_mapping_for_field_type below)");
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
                      "sluice: indexes names a field the model does not have: each entry is a field "
                      "name or comma-separated field names, e.g. indexes{\"age\", \"last_name,first_name\"}");
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
    constexpr auto pk = primary_key_names<T>();
    constexpr std::string_view name = field_names<T>[I];
    bool in_key = false;
    for (std::string_view k : pk) in_key = in_key || k == name;
    const auto* base = reinterpret_cast<const char*>(std::addressof(probe));
    const auto* member = reinterpret_cast<const char*>(std::addressof(boost::pfr::get<I>(probe)));
    return column_info{name,
                       field_traits<typename column_type<field>::type>::kind,
                       column_type<field>::nullable,
                       in_key,
                       static_cast<std::size_t>(member - base),
                       codec_for<field>};
}

SLUICE_API void finish_table_info(table_info& info, std::span<const std::string_view> primary_key,
                                  std::span<const std::string_view> index_specs, bool auto_increment);

template <class T, std::size_t... I> table_info build_table_info(std::index_sequence<I...>) {
    const T& probe = probe_object<T>();
    table_info info{model_table_name<T>(), {make_column<T, I>(probe)...}, {}, false, {}};
    constexpr auto pk = primary_key_names<T>();
    bool auto_increment = true;
    if constexpr (requires { bool{T::auto_increment}; }) auto_increment = T::auto_increment;
    if constexpr (requires { T::indexes; }) {
        constexpr auto specs = T::indexes;
        finish_table_info(info, pk, specs, auto_increment);
    } else {
        finish_table_info(info, pk, {}, auto_increment);
    }
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
