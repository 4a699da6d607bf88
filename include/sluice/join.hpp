// Joins: query<T>().join<U>(on) and .left_join<U>(on), read and keyset-paged on T's order.
//
//   for (const auto& [s, e] : db.query<Salary>()
//                                 .join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no))
//                                 .where(col(&Employee::hire_date) >= d)
//                                 .order_by(&Salary::from_date)
//                                 .yield_per(1000)) { ... }
//
// A row is a std::tuple of the models' objects in join order, a left-joined model's as
// std::optional (empty where nothing matched). Conditions, filters and order keys may name any
// joined model's columns. Pages order by the order keys, then T's primary key, then each joined
// model's key (one row of T may match many rows of a joined model), except where the ON condition
// pins a joined model to one row (= on its whole key): the order is total either way, so no row is
// skipped or repeated across pages. Each page is one SELECT ... JOIN ... ON ... WHERE <keyset> AND
// <filters> ORDER BY ... LIMIT n, with the tables joined in the order written (dialect::inner_join).
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <sluice/cursor.hpp>
#include <sluice/detail/query_spec.hpp>
#include <sluice/expr.hpp>
#include <sluice/parallel.hpp>
#include <sluice/query.hpp>

namespace sluice {
namespace detail {

template <class M> struct inner_joined {
    using model = M;
    using stored = M;
    static constexpr bool left = false;
};
template <class M> struct left_joined {
    using model = M;
    using stored = std::optional<M>;
    static constexpr bool left = true;
};

template <class X> inline constexpr bool is_optional_v = false;
template <class X> inline constexpr bool is_optional_v<std::optional<X>> = true;

// How compiled code reaches element I of a join's row (a std::tuple).
template <class Row, std::size_t I> model_slot slot_of_row() {
    using S = std::tuple_element_t<I, Row>;
    if constexpr (is_optional_v<S>) {
        return {[](void* r) -> void* {
                    auto& o = std::get<I>(*static_cast<Row*>(r));
                    if (!o) o.emplace();  // an engaged optional keeps its strings' capacity
                    return &*o;
                },
                [](void* r) { std::get<I>(*static_cast<Row*>(r)).reset(); },
                [](const void* r) -> const void* {
                    const auto& o = std::get<I>(*static_cast<const Row*>(r));
                    return o ? &*o : nullptr;
                }};
    } else {
        return {[](void* r) -> void* { return &std::get<I>(*static_cast<Row*>(r)); }, nullptr,
                [](const void* r) -> const void* { return &std::get<I>(*static_cast<const Row*>(r)); }};
    }
}
template <class Row> const row_layout& layout_of() {
    static const row_layout layout = []<std::size_t... I>(std::index_sequence<I...>) {
        return row_layout{{slot_of_row<Row, I>()...}};
    }(std::make_index_sequence<std::tuple_size_v<Row>>{});
    return layout;
}

template <class M, class... Ms> inline constexpr bool one_of_models = (std::is_same_v<M, Ms> || ...);

}  // namespace detail

// The rows of a left join where model M matched nothing: its key is NULL there (and only there: a
// key column is NOT NULL). where(sluice::unmatched<Address>()).
template <class M> predicate<M> unmatched() {
    return {detail::expr_node{detail::expr_op::is_null, table_of<M>().primary_key.front(), detail::no_column, {}, {}}};
}

// A join's query: immutable like query<T>, each call a new one. It may outlive neither its
// session's destruction nor the objects whose values its conditions bound (they are copied).
template <class T, class... J> class join_query : public detail::query_base<join_query<T, J...>> {
public:
    using row_type = std::tuple<T, typename J::stored...>;
    using models = detail::model_set<T, typename J::model...>;

    // Another model, joined after the ones before: `on` names its columns and theirs.
    template <class U, class P> join_query<T, J..., detail::inner_joined<U>> join(predicate<P> on) const {
        return joined<detail::inner_joined<U>>(std::move(on));
    }
    template <class U, class P> join_query<T, J..., detail::left_joined<U>> left_join(predicate<P> on) const {
        return joined<detail::left_joined<U>>(std::move(on));
    }

    // Filters over any of the joined models; several where() calls are ANDed.
    template <class P> join_query where(predicate<P> p) const {
        static_assert(detail::models_within<P, models>,
                      "sluice: where() names a model that this join does not have: join it first");
        join_query q = *this;
        detail::expr_node node = detail::rebased<models, P>(std::move(p.node));
        if (q.spec_.filter) {
            detail::expr_node both{detail::expr_op::all_of, detail::no_column, detail::no_column, {}, {}};
            for (const detail::expr_node* side : {q.spec_.filter.get(), static_cast<const detail::expr_node*>(&node)}) {
                if (side->op == detail::expr_op::all_of) both.children.insert(both.children.end(), side->children.begin(), side->children.end());
                else both.children.push_back(*side);
            }
            node = std::move(both);
        }
        q.spec_.filter = std::make_shared<const detail::expr_node>(std::move(node));
        return q;
    }

    // Order keys of any joined model (asc()/desc() of its fields); the keys that make the order
    // total follow (see above). The plan check reports a joined model's key before T's own: no
    // index gives a join's rows in that order, so every page joins and sorts all rows after it.
    template <class M, class X> join_query order_by(M X::*member) const { return order_by(asc(member)); }
    template <class X> join_query order_by(order_key<X> key) const {
        static_assert(detail::one_of_models<X, T, typename J::model...>,
                      "sluice: order_by() names a model that this join does not have: join it first");
        join_query q = *this;
        q.spec_.order.push_back({key.column, key.descending, static_cast<std::uint8_t>(detail::slot_of<X, models>::value)});
        return q;
    }

    join_query on(session& s) const {
        join_query q = *this;
        q.session_ = detail::query_access::session(sluice::query<T>(s));
        return q;
    }

    // --- terminal operations -------------------------------------------------------------
    std::vector<row_type> all() const {
        std::vector<row_type> out;
        detail::run_select(session_, spec_, {}, [&](detail::row_reader& row) {
            out.emplace_back();
            detail::read_query_row(spec_, row, &out.back());
        });
        return out;
    }
    std::optional<row_type> first() const {
        std::optional<row_type> out;
        detail::run_select(session_, spec_, {}, [&](detail::row_reader& row) {
            out.emplace();
            detail::read_query_row(spec_, row, &*out);
        }, 1);
        return out;
    }
    std::uint64_t count() const { return detail::run_count(session_, spec_); }
    bool exists() const { return detail::run_exists(session_, spec_); }

    // Lazy keyset-paginated iteration in O(page) memory: rows are const row_type&.
    yield_range<row_type> yield_per(std::size_t page_size) const { return {session_, spec_, page_size}; }
    batch_range<row_type> batches(std::size_t page_size) const { return {session_, spec_, page_size}; }

private:
    friend struct detail::query_access;
    template <class, class...> friend class join_query;
    template <class> friend class query;

    join_query(detail::session_handle s, detail::query_spec spec) : session_(std::move(s)), spec_(std::move(spec)) {
        spec_.layout = &detail::layout_of<row_type>();
    }

    template <class K, class P> join_query<T, J..., K> joined(predicate<P> on) const {
        using U = typename K::model;
        static_assert(!detail::one_of_models<U, T, typename J::model...>,
                      "sluice: this model is already part of the query: a self-join needs a second model of the same "
                      "table (a struct with the same fields and static constexpr std::string_view table_name = the "
                      "table's name); join that one");
        using after = detail::model_set<T, typename J::model..., U>;
        static_assert(detail::models_within<P, after>,
                      "sluice: the join condition names a model that is not part of the query: join it first");
        static_assert(sizeof...(J) < 60, "sluice: too many joined models");
        detail::query_spec spec = spec_;
        spec.joins.push_back({&table_of<U>(), K::left, std::make_shared<const detail::expr_node>(detail::rebased<after, P>(std::move(on.node)))});
        return join_query<T, J..., K>(session_, std::move(spec));
    }

    detail::session_handle session_;
    detail::query_spec spec_;
};

template <class T> template <class U, class P> join_query<T, detail::inner_joined<U>> query<T>::join(predicate<P> on) const {
    return join_query<T>(session_, spec_).template join<U>(std::move(on));
}
template <class T> template <class U, class P> join_query<T, detail::left_joined<U>> query<T>::left_join(predicate<P> on) const {
    return join_query<T>(session_, spec_).template left_join<U>(std::move(on));
}

// Splits a join into `parts` partitions of T's key and runs them as parallel_for_each does a
// query's; fn(const row_type&).
template <class T, class... J, class F>
void parallel_for_each(pool& sessions, const join_query<T, J...>& q, std::size_t parts, std::size_t page_size, F fn) {
    parallel_for_each(sessions, q.partitions(parts), page_size, std::move(fn));
}

}  // namespace sluice
