// Turning C++ values into bound statement values.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

#include <sluice/types.hpp>

namespace sluice::detail {

template <class V> inline constexpr bool is_text_like =
    std::is_convertible_v<const V&, std::string_view> && !std::is_same_v<V, std::nullptr_t>;

template <class V> inline constexpr bool is_bindable =
    is_text_like<V> || std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, null_t> ||
    std::is_same_v<V, std::span<const std::byte>> || is_supported_field<V>;

// A non-owning view of v, valid while v and scratch live (a converted value is kept in scratch).
template <class V> value_ref bind_ref(const V& v, value& scratch) {
    static_assert(is_bindable<V>,
                  "sluice: this value type cannot be bound: use an integer, bool, floating point, "
                  "string, sluice::blob, sluice::datetime, sluice::date, an enum or std::optional of one");
    if constexpr (std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, null_t>) return null_t{};
    else if constexpr (std::is_same_v<V, std::span<const std::byte>>) return v;
    else if constexpr (is_text_like<V> && !is_supported_field<V>) return std::string_view(v);
    else return field_to_ref<V>(&v, scratch);
}

// The bound values of one call (get(key...), execute(sql, values...)), with the storage that
// converted values point into; built in place, never copied.
template <std::size_t N> struct bound_values {
    std::array<value, N> scratch{};
    std::array<value_ref, N> refs{};
    template <class... V> explicit bound_values(const V&... v) {
        std::size_t i = 0;
        ((refs[i] = bind_ref(v, scratch[i]), ++i), ...);
        (void)i;
    }
    bound_values(const bound_values&) = delete;
    bound_values& operator=(const bound_values&) = delete;
    std::span<const value_ref> span() const noexcept { return refs; }
};

// An owning copy of v, for expressions and queries that outlive the caller's values.
template <class V> value to_value(const V& v) {
    value scratch;
    const value_ref ref = bind_ref(v, scratch);
    return std::visit(
        [](const auto& x) -> value {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string_view>) return std::string(x);
            else if constexpr (std::is_same_v<X, std::span<const std::byte>>) return blob(x.begin(), x.end());
            else return x;
        },
        ref);
}

}  // namespace sluice::detail
