// Compile-time names of a model's fields and of its type.
// Boost.PFR gained field names in 1.84 (core_name.hpp); Debian bookworm ships 1.81, so the
// fallback below does what PFR does there: name a field by taking its address inside an object
// that is declared and never defined, pass that address as a template argument, and cut the
// member's name out of the compiler's spelling of the function signature.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>

#include <boost/pfr.hpp>
#include <boost/version.hpp>  // BOOST_VERSION

#if BOOST_VERSION < 108100
#error "sluice: needs the Boost >= 1.81 headers (Boost.PFR); on Debian bookworm install libboost1.81-dev"
#endif

#if __has_include(<boost/pfr/core_name.hpp>)
#include <boost/pfr/core_name.hpp>
#define SLUICE_PFR_HAS_NAMES 1
#else
#define SLUICE_PFR_HAS_NAMES 0
#endif

namespace sluice::detail {

#if !SLUICE_PFR_HAS_NAMES
#if defined(__clang__)
// clang warns that the variable template below has no definition (and, for a model of internal
// linkage, that none can exist elsewhere): none is needed, only member addresses are taken.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif
// Never defined: only its members' addresses are taken, in unevaluated-enough contexts
// (a constant template argument), so no definition is ever needed. The model sits inside a
// wrapper because clang refuses an undefined variable whose own type has no linkage (a model in
// an anonymous namespace), but not one of a class template's type.
template <class T> struct object_holder {
    const T object;
};
template <class T> extern const object_holder<T> never_defined_holder;
template <class T> constexpr const T& never_defined_object() noexcept { return never_defined_holder<T>.object; }

// The pointer is wrapped in a class so the signature spells the member access expression.
template <class Field> struct field_address {
    const Field* pointer;
};

template <auto Address> consteval std::string_view signature_of() {
    return __PRETTY_FUNCTION__;
}

// The member's name ends the access expression, which the signature spells as
//   GCC 12:    "... [with auto Address = field_address<int>{(& never_defined_holder<ns::T>.
//               object_holder<ns::T>::object.ns::T::alpha)}; ...]"
//   clang 14+: "... [Address = {&never_defined_holder.object.alpha}]"
// so it runs from the last '.' or "::" before the closing ")}" (GCC) or "}]" (clang).
consteval std::string_view cut_field_name(std::string_view signature) {
#if defined(__clang__)
    constexpr std::string_view closing = "}]";
#else
    constexpr std::string_view closing = ")}";
#endif
    const std::size_t end = signature.rfind(closing);
    if (end == std::string_view::npos) return {};
    const std::size_t colons = signature.rfind("::", end);
    const std::size_t dot = signature.rfind('.', end);
    std::size_t begin = colons == std::string_view::npos ? dot : colons + 1;
    if (dot != std::string_view::npos && (colons == std::string_view::npos || dot > colons)) begin = dot;
    if (begin == std::string_view::npos) return {};
    return signature.substr(begin + 1, end - begin - 1);
}

template <class T, std::size_t I> consteval std::string_view field_name() {
    using field = std::remove_cvref_t<decltype(boost::pfr::get<I>(never_defined_object<T>()))>;
    return cut_field_name(signature_of<field_address<field>{
        std::addressof(boost::pfr::get<I>(never_defined_object<T>()))}>());
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#else
template <class T, std::size_t I> consteval std::string_view field_name() {
    return boost::pfr::get_name<I, T>();
}
#endif

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> field_names_impl(std::index_sequence<I...>) {
    return {field_name<T, I>()...};
}

template <class T>
inline constexpr auto field_names =
    field_names_impl<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});

// Self-check: a compiler whose signature spelling differs must fail here, loudly, rather
// than produce wrong column names.
namespace name_self_check {
struct probe {
    int alpha;
    double beta_2;
    std::array<int, 2> gamma;
};
static_assert(field_names<probe>[0] == "alpha" && field_names<probe>[1] == "beta_2" &&
                  field_names<probe>[2] == "gamma",
              "sluice: this compiler spells member pointers differently; field-name reflection "
              "needs updating in sluice/detail/field_names.hpp");
}  // namespace name_self_check

// The unqualified name of a type, template arguments dropped ("app::UserEvent<int>" -> "UserEvent").
template <class T> consteval std::string_view raw_type_signature() { return __PRETTY_FUNCTION__; }

template <class T> consteval std::string_view unqualified_type_name() {
    std::string_view s = raw_type_signature<T>();
    const std::size_t start = s.find("T = ") + 4;
    std::size_t end = s.find_first_of(";]", start);
    s = s.substr(start, end - start);
    if (const std::size_t angle = s.find('<'); angle != std::string_view::npos) s = s.substr(0, angle);
    if (const std::size_t colons = s.rfind("::"); colons != std::string_view::npos) s = s.substr(colons + 2);
    return s;
}

// snake_case of a CamelCase name: "UserEvent" -> "user_event", "HTTPLog" -> "http_log".
template <std::size_t Capacity> struct fixed_name {
    std::array<char, Capacity> chars{};
    std::size_t size = 0;
    constexpr std::string_view view() const { return {chars.data(), size}; }
};

constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

template <std::size_t Capacity> consteval fixed_name<Capacity> snake_case(std::string_view in) {
    fixed_name<Capacity> out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (is_upper(c)) {
            const bool after_lower = i > 0 && is_lower_or_digit(in[i - 1]);
            const bool acronym_end = i > 0 && is_upper(in[i - 1]) && i + 1 < in.size() &&
                                     is_lower_or_digit(in[i + 1]) && in[i + 1] != '_';
            if (after_lower || acronym_end) out.chars[out.size++] = '_';
            out.chars[out.size++] = static_cast<char>(c - 'A' + 'a');
        } else {
            out.chars[out.size++] = c;
        }
    }
    return out;
}

template <class T>
inline constexpr auto snake_type_name =
    snake_case<unqualified_type_name<T>().size() * 2>(unqualified_type_name<T>());

// Self-check of the type-name spelling ("[with T = ...; ...]" on GCC, "[T = ...]" on clang).
namespace name_self_check {
template <class X> struct HTTPTypeProbe {};
static_assert(unqualified_type_name<probe>() == "probe" &&
                  snake_type_name<HTTPTypeProbe<probe>>.view() == "http_type_probe",
              "sluice: this compiler spells type names differently; type-name reflection "
              "needs updating in sluice/detail/field_names.hpp");
}  // namespace name_self_check

}  // namespace sluice::detail
