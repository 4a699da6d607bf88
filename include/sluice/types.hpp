// C++ field types <-> SQL column kinds. A model's field may be any type listed in
// field_traits below, or std::optional of one (a nullable column).
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>  // std::in_range
#include <variant>
#include <vector>

#include <sluice/decimal.hpp>
#include <sluice/detail/export.hpp>

namespace sluice {

// What a column holds, independent of the backend. Enums map to their underlying integer.
// Declared before the type aliases of the same names, which then shadow nothing (GCC -Wshadow).
enum class column_kind : std::uint8_t {
    boolean,
    int8, int16, int32, int64,
    uint8, uint16, uint32, uint64,
    float32, float64,
    text, blob,
    datetime, date,
    year,
    decimal,
};

// DATETIME(6) on MariaDB; fixed-width ISO-8601 text on SQLite, so it sorts as it compares.
using datetime = std::chrono::sys_time<std::chrono::microseconds>;
// DATE on MariaDB; 'YYYY-MM-DD' text on SQLite.
using date = std::chrono::sys_days;
using blob = std::vector<std::byte>;

SLUICE_API std::string_view to_string(column_kind kind) noexcept;

// The labels of an enum stored as a MariaDB ENUM (or, as std::set<E>, a SET) by label:
//   template <> inline constexpr auto sluice::enum_labels<Rating> =
//       std::array<std::string_view, 3>{"G", "PG", "PG-13"};
// labels[i] is the label of the enumerator whose value is i. An enum without labels is stored
// as its underlying integer.
template <class E> inline constexpr std::nullptr_t enum_labels = nullptr;

// A user type stored as a supported one (base_type: any field type sluice maps):
//   template <> struct sluice::type_conversion<Cents> {
//       using base_type = std::int64_t;
//       static Cents from_base(const base_type& v);
//       static base_type to_base(const Cents& c);
//   };
// Such a field works wherever a field of base_type does: DDL, binding, reading, comparisons
// with values of the user type, keyset order (the base type's order) and resume tokens.
template <class T> struct type_conversion {};

struct null_t {
    friend bool operator==(null_t, null_t) = default;
    friend auto operator<=>(null_t, null_t) = default;  // keys compare as tuples of values
};

// A value as bound to a statement, not owning text or bytes: it points into a model's
// field or into a value that outlives the statement.
using value_ref = std::variant<null_t, std::int64_t, std::uint64_t, double, std::string_view,
                               std::span<const std::byte>, datetime, date, sluice::decimal>;

// An owning value, kept by expressions and queries until they run.
using value = std::variant<null_t, std::int64_t, std::uint64_t, double, std::string, blob,
                           datetime, date, sluice::decimal>;

SLUICE_API value_ref as_ref(const value& v) noexcept;
namespace detail {
// dst becomes an owning copy of src (reusing dst's capacity where it holds the same type).
SLUICE_API void store_ref(value& dst, const value_ref& src);
}  // namespace detail
// Renders a value for the statement log: text quoted and cut at max_chars.
SLUICE_API std::string describe(const value_ref& v, std::size_t max_chars = 64);

namespace detail {

// Reads one column of the current row. Implemented per backend over the native row; each
// getter throws detail::cell_mismatch when the stored value has another type or range, or is
// NULL (throw_null_into_non_optional).
class SLUICE_API row_reader {
public:
    virtual int columns() = 0;
    virtual bool is_null(int column) = 0;
    virtual std::int64_t get_int64(int column) = 0;
    virtual std::uint64_t get_uint64(int column) = 0;
    virtual double get_double(int column) = 0;
    virtual std::string_view get_text(int column) = 0;
    virtual std::span<const std::byte> get_blob(int column) = 0;
    virtual datetime get_datetime(int column) = 0;
    virtual date get_date(int column) = 0;
    // Exact: a DECIMAL's digits, an integer, or (SQLite) a REAL holding at most 15 digits.
    virtual sluice::decimal get_decimal(int column) = 0;

protected:
    ~row_reader() = default;
};

// Thrown by readers and range checks; the mapping code adds table and column and rethrows
// it as sluice::conversion_error.
struct SLUICE_API cell_mismatch {
    std::string what;
};

[[noreturn]] SLUICE_API void throw_out_of_range(std::string_view target_type, std::string_view found);
[[noreturn]] SLUICE_API void throw_null_into_non_optional();

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

// No SQL mapping for this field type: use an integer, bool, float, double, std::string,
// sluice::blob, sluice::datetime, sluice::date, std::chrono::year, an enum, std::set of an enum
// with sluice::enum_labels, or std::optional of one of them; or specialize
// sluice::type_conversion<T> to store it as one of those.
template <class T> struct no_sql_mapping_for_field_type;

template <class E> inline constexpr bool has_enum_labels =
    std::is_enum_v<E> && !std::is_same_v<std::remove_cvref_t<decltype(enum_labels<E>)>, std::nullptr_t>;

template <class T> concept has_type_conversion = requires(const T& t, const typename type_conversion<T>::base_type& b) {
    { type_conversion<T>::to_base(t) } -> std::convertible_to<typename type_conversion<T>::base_type>;
    { type_conversion<T>::from_base(b) } -> std::convertible_to<T>;
};

// Text of an enum's label, or of a set of them, for messages.
[[noreturn]] SLUICE_API void throw_unknown_label(std::string_view found, std::span<const std::string_view> labels);
[[noreturn]] SLUICE_API void throw_unlabelled_value(long long value, std::size_t labels);

template <class T, class = void> struct field_traits {
    static constexpr bool supported = false;
};

template <class Int, column_kind Kind> struct integer_traits {
    static constexpr bool supported = true;
    static constexpr column_kind kind = Kind;
    static value_ref to_ref(const Int& v) noexcept {
        if constexpr (std::is_signed_v<Int>) return std::int64_t{v};
        else return std::uint64_t{v};
    }
    static void read(Int& out, row_reader& row, int column) {
        if constexpr (std::is_signed_v<Int>) {
            const std::int64_t v = row.get_int64(column);
            if (!std::in_range<Int>(v)) throw_out_of_range(to_string(Kind), std::to_string(v));
            out = static_cast<Int>(v);
        } else {
            const std::uint64_t v = row.get_uint64(column);
            if (!std::in_range<Int>(v)) throw_out_of_range(to_string(Kind), std::to_string(v));
            out = static_cast<Int>(v);
        }
    }
};

template <> struct field_traits<std::int8_t> : integer_traits<std::int8_t, column_kind::int8> {};
template <> struct field_traits<std::int16_t> : integer_traits<std::int16_t, column_kind::int16> {};
template <> struct field_traits<std::int32_t> : integer_traits<std::int32_t, column_kind::int32> {};
template <> struct field_traits<std::int64_t> : integer_traits<std::int64_t, column_kind::int64> {};
template <> struct field_traits<std::uint8_t> : integer_traits<std::uint8_t, column_kind::uint8> {};
template <> struct field_traits<std::uint16_t> : integer_traits<std::uint16_t, column_kind::uint16> {};
template <> struct field_traits<std::uint32_t> : integer_traits<std::uint32_t, column_kind::uint32> {};
template <> struct field_traits<std::uint64_t> : integer_traits<std::uint64_t, column_kind::uint64> {};
// long long and long are distinct types of the same width on LP64.
template <> struct field_traits<long long> : integer_traits<long long, column_kind::int64> {};
template <> struct field_traits<unsigned long long> : integer_traits<unsigned long long, column_kind::uint64> {};

template <> struct field_traits<bool> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::boolean;
    static value_ref to_ref(const bool& v) noexcept { return std::int64_t{v ? 1 : 0}; }
    static void read(bool& out, row_reader& row, int column) {
        const std::int64_t v = row.get_int64(column);
        if (v != 0 && v != 1) throw_out_of_range("boolean (0 or 1)", std::to_string(v));
        out = v == 1;
    }
};

template <> struct field_traits<double> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::float64;
    static value_ref to_ref(const double& v) noexcept { return v; }
    static void read(double& out, row_reader& row, int column) { out = row.get_double(column); }
};

template <> struct field_traits<float> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::float32;
    static value_ref to_ref(const float& v) noexcept { return double{v}; }
    static void read(float& out, row_reader& row, int column) {
        out = static_cast<float>(row.get_double(column));
    }
};

template <> struct field_traits<std::string> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::text;
    static value_ref to_ref(const std::string& v) noexcept { return std::string_view{v}; }
    // assign() reuses the string's capacity: a refilled buffer allocates nothing.
    static void read(std::string& out, row_reader& row, int column) {
        const std::string_view v = row.get_text(column);
        out.assign(v.data(), v.size());
    }
};

template <> struct field_traits<blob> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::blob;
    static value_ref to_ref(const blob& v) noexcept { return std::span<const std::byte>{v}; }
    static void read(blob& out, row_reader& row, int column) {
        const std::span<const std::byte> v = row.get_blob(column);
        out.assign(v.begin(), v.end());
    }
};

template <> struct field_traits<datetime> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::datetime;
    static value_ref to_ref(const datetime& v) noexcept { return v; }
    static void read(datetime& out, row_reader& row, int column) { out = row.get_datetime(column); }
};

template <> struct field_traits<date> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::date;
    static value_ref to_ref(const date& v) noexcept { return v; }
    static void read(date& out, row_reader& row, int column) { out = row.get_date(column); }
};

template <> struct field_traits<sluice::decimal> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::decimal;
    static value_ref to_ref(const sluice::decimal& v) noexcept { return v; }
    static void read(sluice::decimal& out, row_reader& row, int column) { out = row.get_decimal(column); }
};

template <> struct field_traits<std::chrono::year> {
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::year;
    static value_ref to_ref(const std::chrono::year& v) noexcept { return std::int64_t{static_cast<int>(v)}; }
    static void read(std::chrono::year& out, row_reader& row, int column) {
        const std::int64_t v = row.get_int64(column);
        if (v < -32767 || v > 32767) throw_out_of_range("year", std::to_string(v));
        out = std::chrono::year{static_cast<int>(v)};
    }
};

// An enum with sluice::enum_labels: the label's text, read back by label.
template <class E> consteval bool labels_are_distinct() {
    for (std::size_t i = 0; i < std::size(enum_labels<E>); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (std::string_view(enum_labels<E>[i]) == std::string_view(enum_labels<E>[j])) return false;
    return std::size(enum_labels<E>) > 0;
}

template <class E> consteval bool labels_have_no_comma() {
    for (std::string_view label : enum_labels<E>)
        if (label.find(',') != std::string_view::npos || label.empty()) return false;
    return true;
}

template <class E> struct label_traits {
    static_assert(labels_are_distinct<E>(),
                  "sluice: enum_labels must list at least one label and no label twice (a read could not tell them apart)");
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::text;
    static constexpr std::span<const std::string_view> labels() noexcept { return enum_labels<E>; }
    static std::string_view label_of(E v) {
        const auto i = static_cast<std::underlying_type_t<E>>(v);
        if (i < 0 || static_cast<std::size_t>(i) >= std::size(enum_labels<E>))
            throw_unlabelled_value(static_cast<long long>(i), std::size(enum_labels<E>));
        return enum_labels<E>[static_cast<std::size_t>(i)];
    }
    static E value_of(std::string_view label) {
        for (std::size_t i = 0; i < std::size(enum_labels<E>); ++i)
            if (enum_labels<E>[i] == label) return static_cast<E>(i);
        throw_unknown_label(label, enum_labels<E>);
    }
    static value_ref to_ref(const E& v) { return label_of(v); }
    static void read(E& out, row_reader& row, int column) { out = value_of(row.get_text(column)); }
};

template <class E>
struct field_traits<E, std::enable_if_t<std::is_enum_v<E> && has_enum_labels<E> && !has_type_conversion<E>>>
    : label_traits<E> {};

// A set of labelled enumerators: a MariaDB SET, as its comma-separated labels in label order.
template <class E> struct field_traits<std::set<E>, std::enable_if_t<has_enum_labels<E>>> {
    static_assert(labels_have_no_comma<E>(),
                  "sluice: a std::set of an enum is stored as comma-separated labels (a SET): its labels must be "
                  "non-empty and contain no comma");
    static constexpr bool supported = true;
    static constexpr column_kind kind = column_kind::text;
    static constexpr bool label_set = true;
    static constexpr std::span<const std::string_view> labels() noexcept { return enum_labels<E>; }
    static value_ref to_ref(const std::set<E>& v, value& scratch) {
        std::string text;
        for (E e : v) {  // std::set orders by value, which is label order
            if (!text.empty()) text += ',';
            text += label_traits<E>::label_of(e);
        }
        scratch = std::move(text);
        return std::string_view{std::get<std::string>(scratch)};
    }
    static void read(std::set<E>& out, row_reader& row, int column) {
        std::string_view text = row.get_text(column);
        out.clear();
        while (!text.empty()) {
            const std::size_t comma = text.find(',');
            out.insert(label_traits<E>::value_of(text.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            text.remove_prefix(comma + 1);
        }
    }
};

template <class E>
struct field_traits<E, std::enable_if_t<std::is_enum_v<E> && !has_enum_labels<E> && !has_type_conversion<E>>> {
    using underlying = std::underlying_type_t<E>;
    static constexpr bool supported = field_traits<underlying>::supported;
    static constexpr column_kind kind = field_traits<underlying>::kind;
    static value_ref to_ref(const E& v) noexcept {
        return field_traits<underlying>::to_ref(static_cast<underlying>(v));
    }
    static void read(E& out, row_reader& row, int column) {
        underlying u{};
        field_traits<underlying>::read(u, row, column);
        out = static_cast<E>(u);
    }
};

// A user type through type_conversion<T>: its base type's mapping, converted on the way.
template <class T> struct field_traits<T, std::enable_if_t<has_type_conversion<T>>> {
    using base = typename type_conversion<T>::base_type;
    using base_traits = field_traits<base>;
    static constexpr bool supported = base_traits::supported;
    static constexpr column_kind kind = base_traits::kind;
    static value_ref to_ref(const T& v, value& scratch) {
        const base b = type_conversion<T>::to_base(v);
        value_ref ref;
        if constexpr (requires { base_traits::to_ref(b, scratch); }) ref = base_traits::to_ref(b, scratch);
        else ref = base_traits::to_ref(b);
        store_ref(scratch, ref);  // ref may point into b, which dies here
        return as_ref(scratch);
    }
    static void read(T& out, row_reader& row, int column) {
        base b{};
        base_traits::read(b, row, column);
        out = type_conversion<T>::from_base(b);
    }
};

template <class T> struct column_type {
    using type = T;
    static constexpr bool nullable = false;
};
template <class T> struct column_type<std::optional<T>> {
    using type = T;
    static constexpr bool nullable = true;
};

template <class Field>
inline constexpr bool is_supported_field =
    field_traits<typename column_type<Field>::type>::supported &&
    !is_optional<typename column_type<Field>::type>::value;

// Field codec: the type-erased pair of functions that binds and reads one field, so the
// per-row work in lib/ is ordinary compiled code driven by a column list.
// to_ref may point into `scratch` (a converted or composed value) or into the field itself;
// it throws cell_mismatch for a value the column cannot hold (an enum without a label).
struct field_codec {
    value_ref (*to_ref)(const void* field, value& scratch);
    void (*read)(void* field, row_reader& row, int column);
};

template <class Traits, class X> value_ref traits_to_ref(const X& v, value& scratch) {
    if constexpr (requires { Traits::to_ref(v, scratch); }) return Traits::to_ref(v, scratch);
    else return Traits::to_ref(v);
}

template <class Field> value_ref field_to_ref(const void* field, value& scratch) {
    using traits = field_traits<typename column_type<Field>::type>;
    const Field& f = *static_cast<const Field*>(field);
    if constexpr (column_type<Field>::nullable) {
        if (!f) return null_t{};
        return traits_to_ref<traits>(*f, scratch);
    } else {
        return traits_to_ref<traits>(f, scratch);
    }
}

template <class Field> void field_read(void* field, row_reader& row, int column) {
    using traits = field_traits<typename column_type<Field>::type>;
    Field& f = *static_cast<Field*>(field);
    if constexpr (column_type<Field>::nullable) {
        if (row.is_null(column)) {
            f.reset();
            return;
        }
        if (!f) f.emplace();
        traits::read(*f, row, column);
    } else {
        // No is_null() first: every getter refuses a NULL cell with the same message.
        traits::read(f, row, column);
    }
}

template <class Field>
inline constexpr field_codec codec_for{&field_to_ref<Field>, &field_read<Field>};

}  // namespace detail
}  // namespace sluice
