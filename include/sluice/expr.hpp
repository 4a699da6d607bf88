// Typed predicates: col(&User::age) >= 30 && col(&User::name).like("a%").
// Operators collect the column, the operator and the bound values into a small non-template
// tree (detail::expr_node); rendering it to SQL is compiled code in lib/. Values are always
// bound parameters: there is no way to put a string into the SQL text.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <vector>

#include <sluice/detail/bind.hpp>
#include <sluice/model.hpp>

namespace sluice {
namespace detail {

enum class expr_op : std::uint8_t {
    eq, ne, lt, le, gt, ge,     // column <op> value, or column <op> other_column
    like, in, between,          // column LIKE ?, IN (?, ...), BETWEEN ? AND ?
    is_null, is_not_null,
    all_of, any_of, negate,     // AND, OR, NOT over children
    always_false,               // an empty IN list
    // Lexicographic comparison of a tuple of columns, (c0, c1, ...) <op> (v0, v1, ...): children
    // are one `eq` node per column holding its value. Key-range bounds of partitions and batches.
    tuple_gt, tuple_ge, tuple_lt, tuple_le,
};

inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

struct expr_node {
    expr_op op = expr_op::all_of;
    std::size_t column = no_column;
    std::size_t other_column = no_column;
    std::vector<value> values;
    std::vector<expr_node> children;
};

// column LIKE pattern: values are the pattern, then its literal prefix and the prefix's upper
// bound when it has them, so that rendering can lead with an exact index range. Throws
// sluice::error naming the column for a pattern that ends in a lone '\'.
SLUICE_API expr_node like_node(const table_info& t, std::size_t column, std::string pattern);

template <class X, class V> consteval bool comparable() {
    using U = std::remove_cvref_t<V>;
    if constexpr (std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t>) return false;
    else if constexpr (std::is_enum_v<X>) return std::is_same_v<U, X>;
    else if constexpr (std::is_same_v<X, bool>) return std::is_same_v<U, bool>;
    else if constexpr (std::is_integral_v<X>) return std::is_integral_v<U> && !std::is_same_v<U, bool>;
    else if constexpr (std::is_floating_point_v<X>) return std::is_arithmetic_v<U> && !std::is_same_v<U, bool>;
    else if constexpr (std::is_same_v<X, std::string>) return is_text_like<U>;
    else if constexpr (std::is_same_v<X, blob>) return std::is_same_v<U, blob> || std::is_same_v<U, std::span<const std::byte>>;
    else if constexpr (std::is_same_v<X, sluice::decimal>) return std::is_same_v<U, X> || (std::is_integral_v<U> && !std::is_same_v<U, bool>);
    else return std::is_same_v<U, X>;  // datetime, date
}

template <class X, class V> void check_comparable() {
    using U = std::remove_cvref_t<V>;
    static_assert(!std::is_same_v<U, std::nullopt_t> && !std::is_same_v<U, std::nullptr_t>,
                  "sluice: comparing a column with std::nullopt is never true in SQL: write "
                  "col(&T::m).is_null() or .is_not_null()");
    static_assert(comparable<X, V>(),
                  "sluice: the value's type does not match the column's type: compare integers with "
                  "integers, text with strings, an enum with the same enum, datetime with sluice::datetime");
}

}  // namespace detail

// A predicate over model T; combine with &&, || and !.
template <class T> struct predicate {
    detail::expr_node node;
};

template <class T> predicate<T> operator&&(predicate<T> a, predicate<T> b) {
    detail::expr_node n{detail::expr_op::all_of, detail::no_column, detail::no_column, {}, {}};
    for (predicate<T>* p : {&a, &b}) {
        // Flatten a && b && c into one AND.
        if (p->node.op == detail::expr_op::all_of) {
            for (auto& child : p->node.children) n.children.push_back(std::move(child));
        } else {
            n.children.push_back(std::move(p->node));
        }
    }
    return {std::move(n)};
}

template <class T> predicate<T> operator||(predicate<T> a, predicate<T> b) {
    detail::expr_node n{detail::expr_op::any_of, detail::no_column, detail::no_column, {}, {}};
    for (predicate<T>* p : {&a, &b}) {
        if (p->node.op == detail::expr_op::any_of) {
            for (auto& child : p->node.children) n.children.push_back(std::move(child));
        } else {
            n.children.push_back(std::move(p->node));
        }
    }
    return {std::move(n)};
}

template <class T> predicate<T> operator!(predicate<T> a) {
    detail::expr_node n{detail::expr_op::negate, detail::no_column, detail::no_column, {}, {}};
    n.children.push_back(std::move(a.node));
    return {std::move(n)};
}

// A typed reference to a column of model T whose field has type M.
template <class T, class M> class column {
public:
    using model_type = T;
    using field_type = M;
    using value_type = typename detail::column_type<M>::type;  // M without std::optional
    static constexpr bool nullable = detail::column_type<M>::nullable;

    explicit column(M T::*member) : index_(column_index(member)) {}
    std::size_t index() const noexcept { return index_; }

    template <class V> predicate<T> like(const V& pattern) const {
        static_assert(std::is_same_v<value_type, std::string>, "sluice: like() applies to text columns only");
        static_assert(detail::is_text_like<V>, "sluice: like() takes a string pattern ('%' any run, '_' one character, '\\' escapes)");
        return {detail::like_node(table_of<T>(), index_, std::string(std::string_view(pattern)))};
    }

    // Matches any value of the range; an empty range matches nothing.
    template <std::ranges::input_range R> predicate<T> in(const R& values) const {
        using V = std::ranges::range_value_t<R>;
        detail::check_comparable<value_type, V>();
        detail::expr_node n{detail::expr_op::in, index_, detail::no_column, {}, {}};
        for (const auto& v : values) n.values.push_back(detail::to_value(v));
        if (n.values.empty()) n.op = detail::expr_op::always_false;
        return {std::move(n)};
    }
    template <class V> predicate<T> in(std::initializer_list<V> values) const {
        return in(std::vector<V>(values));
    }

    template <class A, class B> predicate<T> between(const A& low, const B& high) const {
        detail::check_comparable<value_type, A>();
        detail::check_comparable<value_type, B>();
        return {detail::expr_node{detail::expr_op::between, index_, detail::no_column,
                                  {detail::to_value(low), detail::to_value(high)}, {}}};
    }

    predicate<T> is_null() const {
        static_assert(nullable, "sluice: is_null() on a column that cannot be NULL (its field is not std::optional)");
        return {detail::expr_node{detail::expr_op::is_null, index_, detail::no_column, {}, {}}};
    }
    predicate<T> is_not_null() const {
        static_assert(nullable, "sluice: is_not_null() on a column that cannot be NULL (its field is not std::optional)");
        return {detail::expr_node{detail::expr_op::is_not_null, index_, detail::no_column, {}, {}}};
    }

    template <class V> predicate<T> compare(detail::expr_op op, const V& v) const {
        detail::check_comparable<value_type, V>();
        return {detail::expr_node{op, index_, detail::no_column, {detail::to_value(v)}, {}}};
    }
    template <class M2> predicate<T> compare(detail::expr_op op, const column<T, M2>& other) const {
        static_assert(std::is_same_v<value_type, typename column<T, M2>::value_type> ||
                          (std::is_arithmetic_v<value_type> && std::is_arithmetic_v<typename column<T, M2>::value_type> &&
                           !std::is_same_v<value_type, bool>),
                      "sluice: comparing two columns of different types");
        return {detail::expr_node{op, index_, other.index(), {}, {}}};
    }

private:
    std::size_t index_;
};

template <class T, class M> column<T, M> col(M T::*member) { return column<T, M>(member); }

namespace detail {
template <class C> inline constexpr bool is_column = false;
template <class T, class M> inline constexpr bool is_column<column<T, M>> = true;

template <class T, class M, class V> predicate<T> compare_any(expr_op op, const column<T, M>& c, const V& v) {
    if constexpr (is_column<V>) {
        static_assert(std::is_same_v<typename V::model_type, T>, "sluice: comparing columns of different models");
    }
    return c.compare(op, v);
}
}  // namespace detail

template <class T, class M, class V> predicate<T> operator==(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::eq, c, v); }
template <class T, class M, class V> predicate<T> operator!=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::ne, c, v); }
template <class T, class M, class V> predicate<T> operator<(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::lt, c, v); }
template <class T, class M, class V> predicate<T> operator<=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::le, c, v); }
template <class T, class M, class V> predicate<T> operator>(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::gt, c, v); }
template <class T, class M, class V> predicate<T> operator>=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::ge, c, v); }

// Ordering: order_by(&T::m) is ascending; order_by(desc(&T::m)) descending.
template <class T> struct order_key {
    std::size_t column;
    bool descending;
};
template <class T, class M> order_key<T> asc(M T::*member) { return {column_index(member), false}; }
template <class T, class M> order_key<T> desc(M T::*member) { return {column_index(member), true}; }

// An assignment for query<T>::update: set(&User::age, 31).
template <class T> struct assignment {
    std::size_t column;
    value v;
};
template <class T, class M, class V> assignment<T> set(M T::*member, const V& v) {
    using X = typename detail::column_type<M>::type;
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) {
        static_assert(detail::column_type<M>::nullable, "sluice: set(..., std::nullopt) on a column that cannot be NULL");
        return {column_index(member), null_t{}};
    } else {
        static_assert(detail::comparable<X, V>() || std::is_same_v<std::remove_cvref_t<V>, M>,
                      "sluice: the value's type does not match the column's type");
        return {column_index(member), detail::to_value(v)};
    }
}

// Escapes %, _ and \ so that a user's text matches literally inside a like() pattern.
inline std::string like_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace sluice
