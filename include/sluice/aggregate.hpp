// Aggregates in the query builder: scalars on any query (q.sum(&T::f)), and GROUP BY scans
// paged by the group key:
//
//   auto totals = db.query<Payment>().where(col(&Payment::paid_at) >= since)
//                     .group_by(&Payment::customer_id)
//                     .having(sluice::count() >= 2)
//                     .select<CustomerTotal>(&Payment::customer_id, sluice::sum(&Payment::amount), sluice::count());
//   for (const CustomerTotal& t : totals.yield_per(500)) ...   // or totals.all()
//
// Each page is "WHERE <filters> AND <key after the last page's> GROUP BY <key> HAVING ... ORDER BY
// <key> LIMIT n": with an index on the key it computes only its own groups.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sluice/cursor.hpp>
#include <sluice/decimal.hpp>
#include <sluice/query.hpp>
#include <sluice/stream.hpp>

namespace sluice {

enum class aggregate_fn : std::uint8_t { count, sum, min, max, avg };

namespace detail {

struct aggregate_term {
    aggregate_fn fn = aggregate_fn::count;
    std::optional<std::size_t> column;  // none: COUNT(*)
};

// One item of a grouped select: a column (of the group key) or an aggregate.
struct group_item {
    bool is_aggregate = false;
    std::size_t column = 0;
    aggregate_term aggregate;
};

struct having_term {
    aggregate_term aggregate;
    expr_op op = expr_op::eq;
    value operand;
};

struct group_spec {
    query_spec base;  // the table, filters and (for a resumed scan) the token
    std::vector<std::size_t> keys;
    std::vector<group_item> items;
    std::vector<having_term> having;
};

// The non-template keyset pager over groups: pages of R objects (read by position).
class SLUICE_API group_pager {
public:
    group_pager(const session_handle& s, group_spec spec, std::size_t page_size, const row_shape& shape);
    group_pager(group_pager&&) noexcept;
    group_pager& operator=(group_pager&&) noexcept;
    ~group_pager();
    // Reads the next page into slot(0), slot(1), ...; returns its rows, 0 at the end.
    std::size_t next_page(function_ref<void*(std::size_t)> slot);
    // The position after row `i` of the current page (its group key), and after the whole page.
    std::string token_after(std::size_t i) const;
    std::string position_token() const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// Every group in key order, in one statement.
SLUICE_API void run_grouped(const session_handle& s, const group_spec& spec, const row_shape& shape,
                            function_ref<void*()> next_slot);
// A scalar aggregate of the query's matching rows; NULL (no rows) as null_t. The value's kind:
// int64 for count and integer sums, double for float sums and averages of numbers, a decimal's
// text for DECIMAL sums and averages; a column's own for min and max (read with `read`).
SLUICE_API void run_scalar(const session_handle& s, const query_spec& q, const aggregate_term& a, row_sink sink);
// A group_item's term from a member pointer, with compile-time checks done by the caller.
SLUICE_API void check_aggregate(const table_info& t, const aggregate_term& a);

}  // namespace detail

// An aggregate over a column of T (or COUNT(*)); compare it with a value for having().
template <class T> struct aggregate {
    detail::aggregate_term term;
};

// COUNT(*), for any model.
struct count_all {
    template <class T> operator aggregate<T>() const { return {{aggregate_fn::count, std::nullopt}}; }
};
inline count_all count() { return {}; }
template <class T, class M> aggregate<T> count(M T::*m) { return {{aggregate_fn::count, column_index(m)}}; }
template <class T, class M> aggregate<T> sum(M T::*m) { return {{aggregate_fn::sum, column_index(m)}}; }
template <class T, class M> aggregate<T> min(M T::*m) { return {{aggregate_fn::min, column_index(m)}}; }
template <class T, class M> aggregate<T> max(M T::*m) { return {{aggregate_fn::max, column_index(m)}}; }
// avg of a DECIMAL(p,s) column: a decimal rounded half away from zero to s+4 places (MariaDB's
// div_precision_increment, and the same on SQLite); of integers and floats: a double.
template <class T, class M> aggregate<T> avg(M T::*m) { return {{aggregate_fn::avg, column_index(m)}}; }

// aggregate <op> value, for having(). `T` is void for count().
template <class T> struct having_condition {
    detail::having_term term;
};

namespace detail {
template <class V> value having_operand(const V& v) {
    if constexpr (std::is_same_v<V, sluice::decimal>) return v;
    else if constexpr (std::is_floating_point_v<V>) return static_cast<double>(v);
    else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>) return static_cast<std::int64_t>(v);
    else if constexpr (std::is_integral_v<V>) return static_cast<std::uint64_t>(v);
    else static_assert(always_false<V>, "sluice: having() compares an aggregate with a number or a sluice::decimal");
}
}  // namespace detail

#define SLUICE_HAVING_OP(OP, CODE)                                                                        \
    template <class T, class V> having_condition<T> operator OP(const aggregate<T>& a, const V& v) {     \
        return {{a.term, detail::expr_op::CODE, detail::having_operand(v)}};                                     \
    }                                                                                                     \
    template <class V> having_condition<void> operator OP(count_all, const V& v) {                      \
        return {{{aggregate_fn::count, std::nullopt}, detail::expr_op::CODE, detail::having_operand(v)}};       \
    }
SLUICE_HAVING_OP(==, eq)
SLUICE_HAVING_OP(!=, ne)
SLUICE_HAVING_OP(<, lt)
SLUICE_HAVING_OP(<=, le)
SLUICE_HAVING_OP(>, gt)
SLUICE_HAVING_OP(>=, ge)
#undef SLUICE_HAVING_OP

template <class T, class R> class grouped_select;

// query<T>().group_by(&T::k, ...): add having() conditions, then select<R>(...) the row.
template <class T> class grouped_query {
public:
    grouped_query(const query<T>& q, std::vector<std::size_t> keys) : query_(q), keys_(std::move(keys)) {}

    grouped_query having(having_condition<T> c) const {
        grouped_query g = *this;
        g.having_.push_back(std::move(c.term));
        return g;
    }
    grouped_query having(having_condition<void> c) const {
        grouped_query g = *this;
        g.having_.push_back(std::move(c.term));
        return g;
    }

    // Each item fills R's field of the same position: a member pointer (a group_by column) or an
    // aggregate (sum, min, max, avg, count).
    template <class R, class... Items> grouped_select<T, R> select(const Items&... items) const {
        static_assert(sizeof...(Items) > 0, "sluice: select<R>() needs at least one item");
        detail::group_spec spec{detail::query_access::spec(query_), keys_, {item(items)...}, having_};
        return grouped_select<T, R>(detail::query_access::session(query_), std::move(spec));
    }

private:
    template <class M> static detail::group_item item(M T::*m) { return {false, column_index(m), {}}; }
    static detail::group_item item(const aggregate<T>& a) { return {true, 0, a.term}; }
    static detail::group_item item(count_all) { return {true, 0, {aggregate_fn::count, std::nullopt}}; }

    query<T> query_;
    std::vector<std::size_t> keys_;
    std::vector<detail::having_term> having_;
};

// The grouped rows as R: all() in one statement, or yield_per(n) pages by the group key.
template <class T, class R> class grouped_select {
public:
    grouped_select(detail::session_handle s, detail::group_spec spec) : session_(std::move(s)), spec_(std::move(spec)) {}

    std::vector<R> all() const {
        std::vector<R> out;
        detail::run_grouped(session_, spec_, detail::row_shape_of<R>(), [&]() -> void* { return &out.emplace_back(); });
        return out;
    }

    // Continue a yield_per scan of the same grouped query after the group a token names.
    grouped_select resume(std::string token) const {
        grouped_select g = *this;
        g.spec_.base.resume = std::move(token);
        return g;
    }

    class range {
    public:
        range(const grouped_select& g, std::size_t page_size)
            : pages_(g.session_, g.spec_, page_size, detail::row_shape_of<R>()) {}
        class iterator {
        public:
            using iterator_concept = std::input_iterator_tag;
            using value_type = R;
            using difference_type = std::ptrdiff_t;
            iterator() = default;
            explicit iterator(range* r) : range_(r) {}
            const R& operator*() const { return range_->buffer_[range_->position_]; }
            const R* operator->() const { return &range_->buffer_[range_->position_]; }
            iterator& operator++() {
                if (++range_->position_ == range_->rows_) range_->fetch();
                return *this;
            }
            void operator++(int) { ++*this; }
            friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

        private:
            bool at_end() const noexcept { return !range_ || range_->position_ >= range_->rows_; }
            range* range_ = nullptr;
        };
        iterator begin() {
            if (!started_) {
                started_ = true;
                fetch();
            }
            return iterator(this);
        }
        std::default_sentinel_t end() const noexcept { return {}; }
        // The position after the group the iterator points at (the last handed out).
        std::string token() const {
            if (started_ && position_ < rows_) return pages_.token_after(position_);
            return pages_.position_token();
        }

    private:
        void fetch() {
            position_ = 0;
            rows_ = pages_.next_page([this](std::size_t i) -> void* {
                if (i == buffer_.size()) buffer_.emplace_back();
                return &buffer_[i];
            });
        }
        detail::group_pager pages_;
        std::vector<R> buffer_;
        std::size_t rows_ = 0, position_ = 0;
        bool started_ = false;
    };
    range yield_per(std::size_t page_size) const { return range(*this, page_size); }

private:
    detail::session_handle session_;
    detail::group_spec spec_;
};

namespace detail {
template <class M> using aggregated_type = typename column_type<M>::type;

template <class T, class Out> Out scalar_of(const query<T>& q, aggregate_fn fn, std::size_t column) {
    Out out{};
    run_scalar(query_access::session(q), query_access::spec(q), {fn, column},
               [&](row_reader& row) { codec_for<Out>.read(&out, row, 0); });
    return out;
}
}  // namespace detail

template <class T> template <class M> auto query<T>::sum(M T::*member) const {
    using U = detail::aggregated_type<M>;
    if constexpr (std::is_same_v<U, sluice::decimal>) {
        return detail::scalar_of<T, std::optional<sluice::decimal>>(*this, aggregate_fn::sum, column_index(member))
            .value_or(sluice::decimal{});
    } else if constexpr (std::is_floating_point_v<U>) {
        return detail::scalar_of<T, std::optional<double>>(*this, aggregate_fn::sum, column_index(member)).value_or(0.0);
    } else if constexpr (std::is_integral_v<U> && !std::is_same_v<U, bool>) {
        return detail::scalar_of<T, std::optional<std::int64_t>>(*this, aggregate_fn::sum, column_index(member)).value_or(0);
    } else {
        static_assert(detail::always_false<M>, "sluice: sum() takes an integer, floating-point or decimal column");
    }
}

template <class T> template <class M> auto query<T>::min(M T::*member) const {
    return detail::scalar_of<T, std::optional<detail::aggregated_type<M>>>(*this, aggregate_fn::min, column_index(member));
}

template <class T> template <class M> auto query<T>::max(M T::*member) const {
    return detail::scalar_of<T, std::optional<detail::aggregated_type<M>>>(*this, aggregate_fn::max, column_index(member));
}

template <class T> template <class M> auto query<T>::avg(M T::*member) const {
    using U = detail::aggregated_type<M>;
    if constexpr (std::is_same_v<U, sluice::decimal>) {
        return detail::scalar_of<T, std::optional<sluice::decimal>>(*this, aggregate_fn::avg, column_index(member));
    } else if constexpr (std::is_arithmetic_v<U> && !std::is_same_v<U, bool>) {
        return detail::scalar_of<T, std::optional<double>>(*this, aggregate_fn::avg, column_index(member));
    } else {
        static_assert(detail::always_false<M>, "sluice: avg() takes an integer, floating-point or decimal column");
    }
}

template <class T> template <class... M> grouped_query<T> query<T>::group_by(M T::*... members) const {
    static_assert(sizeof...(M) > 0, "sluice: group_by() needs at least one column");
    return grouped_query<T>(*this, std::vector<std::size_t>{column_index(members)...});
}

}  // namespace sluice
