// Typed predicates, col(&User::age) >= 30 && col(&User::name).like("a%"), and arithmetic over
// numeric columns, col(&Salary::salary) * 103 / 100, for set() and where().
// Operators collect the column, the operator and the bound values into a small non-template
// tree (detail::expr_node); rendering it to SQL is compiled code in lib/. Values are always
// bound parameters: there is no way to put a string into the SQL text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <vector>

#include <sluice/detail/bind.hpp>
#include <sluice/error.hpp>
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
    // Arithmetic (numeric_expr; appended, so that the fingerprints of earlier resume tokens stay
    // valid). Leaves: a column (`column`) or a bound value (values[0]); operators take their
    // operands as children. A comparison eq..ge without a `column` compares children[0] with
    // children[1], both arithmetic.
    arith_column, arith_value,
    add, subtract, multiply,
    divide,      // one operand is floating point: floating-point division
    int_divide,  // both are integers: truncates toward zero, as in C++
    negative,
    to_real,     // an integer operand compared with a floating-point one: as a double, as C++ compares
};

inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

struct expr_node {
    expr_op op = expr_op::all_of;
    std::size_t column = no_column;
    std::size_t other_column = no_column;
    std::vector<value> values;
    std::vector<expr_node> children;
    // Which model `column` and `other_column` belong to: 0 is the query's own; a join's models
    // follow in join order. Inside a predicate over several models, its own list (model_set).
    std::uint8_t model = 0;
    std::uint8_t other_model = 0;
};

// The models a predicate over several of them names, in the order its slots count them.
template <class... M> struct model_set {};

template <class T> struct as_model_set { using type = model_set<T>; };
template <class... M> struct as_model_set<model_set<M...>> { using type = model_set<M...>; };
template <class S, class M> struct set_add;
template <class... Ms, class M> struct set_add<model_set<Ms...>, M> {
    using type = std::conditional_t<(std::is_same_v<Ms, M> || ...), model_set<Ms...>, model_set<Ms..., M>>;
};
template <class S, class S2> struct set_union;
template <class S> struct set_union<S, model_set<>> { using type = S; };
template <class S, class M, class... Ms> struct set_union<S, model_set<M, Ms...>> {
    using type = typename set_union<typename set_add<S, M>::type, model_set<Ms...>>::type;
};
// A set of one model is the model itself: predicate<T> stays what single-model code names.
template <class S> struct one_model { using type = S; };
template <class M> struct one_model<model_set<M>> { using type = M; };
template <class A, class B>
using models_union = typename one_model<typename set_union<typename as_model_set<A>::type, typename as_model_set<B>::type>::type>::type;

template <class M, class S> struct slot_of;
template <class M, class... Ms> struct slot_of<M, model_set<Ms...>> {
    static constexpr std::size_t value = [] {
        constexpr bool same[] = {std::is_same_v<M, Ms>..., false};
        std::size_t i = 0;
        while (i < sizeof...(Ms) && !same[i]) ++i;
        return i;
    }();
};
// Whether every model of From (a model or a model_set) is one of To's.
template <class From, class To> struct set_within;
template <class... F, class... T> struct set_within<model_set<F...>, model_set<T...>> {
    static constexpr bool value = ((slot_of<F, model_set<T...>>::value < sizeof...(T)) && ...);
};
template <class From, class To>
inline constexpr bool models_within = set_within<typename as_model_set<From>::type, typename as_model_set<To>::type>::value;

// Renumbers the model slots of a tree from one set's order to another's.
inline void remap_models(expr_node& n, const std::uint8_t* to) {
    if (n.column != no_column) n.model = to[n.model];
    if (n.other_column != no_column) n.other_model = to[n.other_model];
    for (expr_node& child : n.children) remap_models(child, to);
}
// A tree over the models of From (a model or a model_set) renumbered for To's.
template <class To, class From> expr_node rebased(expr_node n) {
    using F = typename as_model_set<From>::type;
    using S = typename as_model_set<To>::type;
    [&]<class... M>(model_set<M...>*) {
        constexpr std::array<std::uint8_t, sizeof...(M)> to{static_cast<std::uint8_t>(slot_of<M, S>::value)...};
        bool identity = true;
        for (std::size_t i = 0; i < to.size(); ++i) identity = identity && to[i] == i;
        if (!identity) remap_models(n, to.data());
    }(static_cast<F*>(nullptr));
    return n;
}

// One assignment of an UPDATE: a bound value, or an arithmetic expression (`expr`) that the
// server computes from the row as it was before the update.
struct column_set {
    std::size_t column = no_column;
    value v;
    std::optional<expr_node> expr;
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

// Combining predicates over different models gives one over all of them (for joins).
template <class A, class B> predicate<detail::models_union<A, B>> operator&&(predicate<A> a, predicate<B> b) {
    using P = detail::models_union<A, B>;
    detail::expr_node n{detail::expr_op::all_of, detail::no_column, detail::no_column, {}, {}};
    detail::expr_node sides[] = {detail::rebased<P, A>(std::move(a.node)), detail::rebased<P, B>(std::move(b.node))};
    for (detail::expr_node& side : sides) {
        // Flatten a && b && c into one AND.
        if (side.op == detail::expr_op::all_of) {
            for (auto& child : side.children) n.children.push_back(std::move(child));
        } else {
            n.children.push_back(std::move(side));
        }
    }
    return {std::move(n)};
}

template <class A, class B> predicate<detail::models_union<A, B>> operator||(predicate<A> a, predicate<B> b) {
    using P = detail::models_union<A, B>;
    detail::expr_node n{detail::expr_op::any_of, detail::no_column, detail::no_column, {}, {}};
    detail::expr_node sides[] = {detail::rebased<P, A>(std::move(a.node)), detail::rebased<P, B>(std::move(b.node))};
    for (detail::expr_node& side : sides) {
        if (side.op == detail::expr_op::any_of) {
            for (auto& child : side.children) n.children.push_back(std::move(child));
        } else {
            n.children.push_back(std::move(side));
        }
    }
    return {std::move(n)};
}

template <class T> predicate<T> operator!(predicate<T> a) {
    detail::expr_node n{detail::expr_op::negate, detail::no_column, detail::no_column, {}, {}};
    n.children.push_back(std::move(a.node));
    return {std::move(n)};
}

// An arithmetic expression over model T's numeric columns and numbers, computed by the server
// with C++'s results on 64-bit integers and doubles: R is std::int64_t while every operand is an
// integer (then / truncates toward zero), double once one is floating point. A result C++ could
// not hold (an overflow, a division by zero) fails the statement on both backends, except that
// in a where() condition a division by zero is NULL, so that its comparison matches no row.
// Build one with + - * / and unary - on col(&T::m), numbers and other expressions; use it as the
// value of set(), or on either side of a where() comparison.
template <class T, class R> struct numeric_expr {
    using model_type = T;
    using value_type = R;
    detail::expr_node node;
};

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
        // An integer against a floating-point column is compared as a double, as C++ and MariaDB do
        // (bound as an integer, SQLite would compare exactly); the column stays bare, for its index.
        if constexpr (std::is_floating_point_v<value_type> && std::is_integral_v<std::remove_cvref_t<V>>)
            return {detail::expr_node{op, index_, detail::no_column, {value{static_cast<double>(v)}}, {}}};
        else
            return {detail::expr_node{op, index_, detail::no_column, {detail::to_value(v)}, {}}};
    }
    // With a column of this model or of another one (a join's condition): a predicate over both.
    template <class T2, class M2> predicate<detail::models_union<T, T2>> compare(detail::expr_op op, const column<T2, M2>& other) const {
        static_assert(std::is_same_v<value_type, typename column<T2, M2>::value_type> ||
                          (std::is_arithmetic_v<value_type> && std::is_arithmetic_v<typename column<T2, M2>::value_type> &&
                           !std::is_same_v<value_type, bool>),
                      "sluice: comparing two columns of different types");
        detail::expr_node n{op, index_, other.index(), {}, {}};
        n.other_model = static_cast<std::uint8_t>(std::is_same_v<T, T2> ? 0 : 1);
        return {std::move(n)};
    }

private:
    std::size_t index_;
};

template <class T, class M> column<T, M> col(M T::*member) { return column<T, M>(member); }

namespace detail {
template <class C> inline constexpr bool is_column = false;
template <class T, class M> inline constexpr bool is_column<column<T, M>> = true;

template <class X> inline constexpr bool is_numeric_expr = false;
template <class T, class R> inline constexpr bool is_numeric_expr<numeric_expr<T, R>> = true;
// Either side of an arithmetic operator that makes it sluice's: a column or an expression.
template <class X> inline constexpr bool is_arith_side = is_column<X> || is_numeric_expr<X>;

template <class X>
inline constexpr bool is_character = std::is_same_v<X, char> || std::is_same_v<X, wchar_t> || std::is_same_v<X, char8_t> ||
                                     std::is_same_v<X, char16_t> || std::is_same_v<X, char32_t>;
// The type arithmetic computes a C++ type in: std::int64_t for integers, double for floating
// point, void for what is not a number here (bool, characters, enums, text, times).
template <class X>
using number_type = std::conditional_t<std::is_floating_point_v<X>, double,
                                       std::conditional_t<std::is_integral_v<X> && !std::is_same_v<X, bool> && !is_character<X>,
                                                          std::int64_t, void>>;
template <class X> inline constexpr bool is_unsigned_64 = std::is_integral_v<X> && std::is_unsigned_v<X> && sizeof(X) == 8;

// The model of an operand (void for a number) and the type it computes in.
template <class X> struct operand {
    using model = void;
    using type = number_type<std::remove_cvref_t<X>>;
};
template <class T, class M> struct operand<column<T, M>> {
    using model = T;
    using type = number_type<typename column<T, M>::value_type>;
};
template <class T, class R> struct operand<numeric_expr<T, R>> {
    using model = T;
    using type = R;
};

template <class A> void check_operand() {
    if constexpr (is_column<A>) {
        static_assert(!is_unsigned_64<typename A::value_type>,
                      "sluice: arithmetic on a 64-bit unsigned column: expressions compute in signed 64-bit integers, "
                      "which cannot hold its values above INT64_MAX; compute in C++, or use a signed column");
    }
    static_assert(!std::is_same_v<std::remove_cvref_t<A>, std::nullopt_t>,
                  "sluice: std::nullopt in arithmetic: the result would always be NULL");
    static_assert(!std::is_void_v<typename operand<A>::type>,
                  "sluice: arithmetic (+ - * /) takes numeric columns (integers and floating point; not bool, enums, "
                  "text, or sluice::decimal, which the server would round: compute decimals in C++), numbers, and "
                  "expressions of them");
}

// A number bound into an expression, as the type it computes in.
template <class V> value number_value(const V& v) {
    if constexpr (std::is_floating_point_v<V>) {
        return static_cast<double>(v);
    } else if constexpr (std::is_unsigned_v<V>) {
        if (v > static_cast<std::uint64_t>(INT64_MAX))
            throw error("sluice: the value " + std::to_string(v) + " in an arithmetic expression is above INT64_MAX: "
                        "expressions compute in signed 64-bit integers");
        return static_cast<std::int64_t>(v);
    } else {
        return static_cast<std::int64_t>(v);
    }
}

template <class A> expr_node operand_node(const A& a) {
    if constexpr (is_column<A>) return expr_node{expr_op::arith_column, a.index(), no_column, {}, {}};
    else if constexpr (is_numeric_expr<A>) return a.node;
    else return expr_node{expr_op::arith_value, no_column, no_column, {number_value(a)}, {}};
}

// The model two operands share (a number takes any).
template <class A, class B> consteval bool same_model() {
    using MA = typename operand<A>::model;
    using MB = typename operand<B>::model;
    return std::is_void_v<MA> || std::is_void_v<MB> || std::is_same_v<MA, MB>;
}
template <class A, class B>
using shared_model = std::conditional_t<std::is_void_v<typename operand<A>::model>, typename operand<B>::model,
                                        typename operand<A>::model>;

template <class A, class B> auto arithmetic(expr_op op, const A& a, const B& b) {
    check_operand<A>();
    check_operand<B>();
    static_assert(same_model<A, B>(), "sluice: arithmetic over columns of different models");
    using R = std::conditional_t<std::is_same_v<typename operand<A>::type, double> || std::is_same_v<typename operand<B>::type, double>,
                                 double, std::int64_t>;
    if (op == expr_op::divide && std::is_same_v<R, std::int64_t>) op = expr_op::int_divide;
    expr_node n{op, no_column, no_column, {}, {}};
    n.children.push_back(operand_node(a));
    n.children.push_back(operand_node(b));
    return numeric_expr<shared_model<A, B>, R>{std::move(n)};
}

// The models a comparison of two operands names: both (a join's), or the one a number meets.
template <class A, class B>
using compared_models = std::conditional_t<std::is_void_v<typename operand<A>::model> || std::is_void_v<typename operand<B>::model>,
                                           shared_model<A, B>, models_union<typename operand<A>::model, typename operand<B>::model>>;
// An operand's tree with its columns numbered among P's models.
template <class P, class A> expr_node operand_in(const A& a) {
    if constexpr (std::is_void_v<typename operand<A>::model>) return operand_node(a);
    else return rebased<P, typename operand<A>::model>(operand_node(a));
}

// a <op> b where one side is arithmetic: numbers, numeric columns and expressions compare, of one
// model or of two (a join's).
template <class A, class B> predicate<compared_models<A, B>> compare_numbers(expr_op op, const A& a, const B& b) {
    static_assert(!std::is_same_v<std::remove_cvref_t<B>, std::nullopt_t> && !std::is_same_v<std::remove_cvref_t<B>, std::nullptr_t>,
                  "sluice: comparing an expression with std::nullopt is never true in SQL: test the column with "
                  ".is_null() or .is_not_null()");
    check_operand<A>();
    check_operand<B>();
    constexpr bool real_a = std::is_same_v<typename operand<A>::type, double>;
    constexpr bool real_b = std::is_same_v<typename operand<B>::type, double>;
    // An integer side meets a floating-point one as a double (SQLite would compare exactly).
    auto side = [](expr_node operand, bool widen) {
        if (!widen) return operand;
        expr_node n{expr_op::to_real, no_column, no_column, {}, {}};
        n.children.push_back(std::move(operand));
        return n;
    };
    expr_node n{op, no_column, no_column, {}, {}};
    using P = compared_models<A, B>;
    n.children.push_back(side(operand_in<P>(a), real_b && !real_a));
    n.children.push_back(side(operand_in<P>(b), real_a && !real_b));
    return {std::move(n)};
}

// An integer column and a floating-point one: compared as doubles, as C++ compares them and MariaDB
// does; SQLite alone would compare them exactly. (A floating-point column and an integer value: the
// value is bound as a double, see column::compare.)
template <class X, class Y> inline constexpr bool mixed_numbers =
    !std::is_void_v<number_type<X>> && !std::is_void_v<number_type<Y>> && !std::is_same_v<number_type<X>, number_type<Y>> &&
    !is_unsigned_64<X> && !is_unsigned_64<Y>;
template <class V> struct compared_type { using type = std::remove_cvref_t<V>; };
template <class T, class M> struct compared_type<column<T, M>> { using type = typename column<T, M>::value_type; };

template <class T, class M, class V> auto compare_any(expr_op op, const column<T, M>& c, const V& v) {
    if constexpr (is_numeric_expr<V> ||
                  (is_column<V> && mixed_numbers<typename column<T, M>::value_type, typename compared_type<V>::type>)) {
        return compare_numbers(op, c, v);
    } else {
        return c.compare(op, v);
    }
}
}  // namespace detail

template <class T, class M, class V> auto operator==(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::eq, c, v); }
template <class T, class M, class V> auto operator!=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::ne, c, v); }
template <class T, class M, class V> auto operator<(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::lt, c, v); }
template <class T, class M, class V> auto operator<=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::le, c, v); }
template <class T, class M, class V> auto operator>(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::gt, c, v); }
template <class T, class M, class V> auto operator>=(const column<T, M>& c, const V& v) { return detail::compare_any(detail::expr_op::ge, c, v); }

// Arithmetic: + - * / between columns, numbers and expressions (at least one side sluice's).
template <class A, class B> requires(detail::is_arith_side<A> || detail::is_arith_side<B>)
auto operator+(const A& a, const B& b) { return detail::arithmetic(detail::expr_op::add, a, b); }
template <class A, class B> requires(detail::is_arith_side<A> || detail::is_arith_side<B>)
auto operator-(const A& a, const B& b) { return detail::arithmetic(detail::expr_op::subtract, a, b); }
template <class A, class B> requires(detail::is_arith_side<A> || detail::is_arith_side<B>)
auto operator*(const A& a, const B& b) { return detail::arithmetic(detail::expr_op::multiply, a, b); }
template <class A, class B> requires(detail::is_arith_side<A> || detail::is_arith_side<B>)
auto operator/(const A& a, const B& b) { return detail::arithmetic(detail::expr_op::divide, a, b); }
template <class A> requires detail::is_arith_side<A>
auto operator-(const A& a) {
    detail::check_operand<A>();
    detail::expr_node n{detail::expr_op::negative, detail::no_column, detail::no_column, {}, {}};
    n.children.push_back(detail::operand_node(a));
    return numeric_expr<typename detail::operand<A>::model, typename detail::operand<A>::type>{std::move(n)};
}

// Comparisons with an expression on the left (a column on the left takes one on the right too).
template <class T, class R, class V> auto operator==(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::eq, e, v); }
template <class T, class R, class V> auto operator!=(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::ne, e, v); }
template <class T, class R, class V> auto operator<(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::lt, e, v); }
template <class T, class R, class V> auto operator<=(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::le, e, v); }
template <class T, class R, class V> auto operator>(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::gt, e, v); }
template <class T, class R, class V> auto operator>=(const numeric_expr<T, R>& e, const V& v) { return detail::compare_numbers(detail::expr_op::ge, e, v); }

// Ordering: order_by(&T::m) is ascending; order_by(desc(&T::m)) descending.
template <class T> struct order_key {
    std::size_t column;
    bool descending;
};
template <class T, class M> order_key<T> asc(M T::*member) { return {column_index(member), false}; }
template <class T, class M> order_key<T> desc(M T::*member) { return {column_index(member), true}; }

// An assignment for query<T>::update: set(&User::age, 31), or set(&User::age, col(&User::age) + 1).
template <class T> struct assignment {
    std::size_t column;
    value v;
    std::optional<detail::expr_node> expr;  // set to an expression: the server computes it, row by row
};
template <class T, class M, class V> assignment<T> set(M T::*member, const V& v) {
    using X = typename detail::column_type<M>::type;
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) {
        static_assert(detail::column_type<M>::nullable, "sluice: set(..., std::nullopt) on a column that cannot be NULL");
        return {column_index(member), null_t{}, std::nullopt};
    } else if constexpr (detail::is_column<V>) {
        // Another column's value: the one-leaf expression.
        static_assert(!std::is_void_v<detail::number_type<typename V::value_type>>,
                      "sluice: set() to another column's value takes numeric columns (as an expression); for other "
                      "types read the rows and write them");
        return set(member, numeric_expr<typename V::model_type, detail::number_type<typename V::value_type>>{detail::operand_node(v)});
    } else {
        static_assert(detail::comparable<X, V>() || std::is_same_v<std::remove_cvref_t<V>, M>,
                      "sluice: the value's type does not match the column's type");
        return {column_index(member), detail::to_value(v), std::nullopt};
    }
}
// set(&T::m, expression): numeric to numeric, checked here; a value the column cannot hold (an
// overflow of its type, NULL into NOT NULL) fails the statement on both backends.
template <class T, class M, class T2, class R> assignment<T> set(M T::*member, const numeric_expr<T2, R>& e) {
    using X = typename detail::column_type<M>::type;
    static_assert(std::is_same_v<T, T2>, "sluice: set() of an expression over another model's columns");
    static_assert(!std::is_void_v<detail::number_type<X>>,
                  "sluice: set() of an arithmetic expression to a column that is not numeric (bool, enum, text, time): "
                  "assign a value of the column's type instead");
    static_assert(std::is_floating_point_v<X> || std::is_same_v<R, std::int64_t>,
                  "sluice: set() of a floating-point expression to an integer column: the backends would round it "
                  "differently; keep the expression integer (/ of integers truncates toward zero), or assign to a "
                  "floating-point column");
    return {column_index(member), null_t{}, e.node};
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
