// Turning C++ values into bound statement values.
#pragma once

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

// A non-owning view of v, valid while v lives.
template <class V> value_ref bind_ref(const V& v) {
    static_assert(is_bindable<V>,
                  "sluice: this value type cannot be bound: use an integer, bool, floating point, "
                  "string, sluice::blob, sluice::datetime, sluice::date, an enum or std::optional of one");
    if constexpr (std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, null_t>) return null_t{};
    else if constexpr (std::is_same_v<V, std::span<const std::byte>>) return v;
    else if constexpr (is_text_like<V> && !is_supported_field<V>) return std::string_view(v);
    else return field_to_ref<V>(&v);
}

// An owning copy of v, for expressions and queries that outlive the caller's values.
template <class V> value to_value(const V& v) {
    const value_ref ref = bind_ref(v);
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
