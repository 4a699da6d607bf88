// sluice::query<T>: a chained, immutable query builder. Every call returns a new query, so a
// base query can be kept and refined:
//
//   auto adults = db.query<User>().where(col(&User::age) >= 18);
//   auto page = adults.order_by(desc(&User::created_at)).limit(20).all();
//   std::uint64_t n = adults.count();
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include <sluice/detail/query_spec.hpp>
#include <sluice/expr.hpp>
#include <sluice/session.hpp>

namespace sluice {

template <class T> class yield_range;
template <class T> class batch_range;
template <class T, class... M> class projection;
template <class T> class grouped_query;
template <class T> struct aggregate;
template <class T, class... J> class join_query;

namespace detail {
template <class M> struct inner_joined;
template <class M> struct left_joined;
// Internal access to a query's parts, for the cursor (not part of the API).
struct query_access {
    template <class Q> static const query_spec& spec(const Q& q) noexcept { return q.spec_; }
    template <class Q> static query_spec& spec(Q& q) noexcept { return q.spec_; }
    template <class Q> static const session_handle& session(const Q& q) noexcept { return q.session_; }
    template <class Q> static Q make(session_handle s, query_spec spec) { return Q(std::move(s), std::move(spec)); }
};

// The chained calls query<T> and join_query<T, ...> share; each returns a changed copy of Q.
template <class Q> class query_base {
public:
    Q limit(std::uint64_t n) const {
        return changed([&](query_spec& s) { s.limit = n; });
    }
    Q offset(std::uint64_t n) const {
        return changed([&](query_spec& s) { s.offset = n; });
    }

    // Continue a yield_per/batches scan after the position a resume_token names.
    Q resume(std::string token) const {
        return changed([&](query_spec& s) { s.resume = std::move(token); });
    }

    // Consistency of yield_per/batches. By default each page is its own read: the scan resumes
    // after failures, and every row present and unmodified for the whole scan is seen exactly
    // once (rows changed meanwhile may be seen in either state, or twice if their order key
    // moved them ahead). consistent_snapshot() instead reads all pages in one read-only
    // transaction WITH CONSISTENT SNAPSHOT on a connection of its own: the table as it was when
    // the scan began. Such a scan cannot resume (its tokens are empty) and holds the snapshot
    // (MariaDB: undo history; SQLite: a read lock that blocks writers unless in WAL mode).
    Q consistent_snapshot() const {
        return changed([](query_spec& s) { s.snapshot = true; });
    }

    // yield_per/batches on MariaDB send the next page's SELECT as soon as a page is read, so the
    // server computes it while the loop works on this one (two page buffers; a statement the loop
    // runs on the session first reads the page in flight). Off inside a transaction, on SQLite
    // (no server works in parallel), for Spider tables' branch-by-branch pages, and with prefetch(false).
    Q prefetch(bool on) const {
        return changed([on](query_spec& s) { s.prefetch = on; });
    }

    // k queries, each a range of the primary key, that together return every matching row
    // exactly once. Split points are real key values probed at evenly spaced positions, so
    // gappy or skewed keys still give parts of equal size (as of the probe). A join splits by its
    // own model's key: all the rows of one of its rows fall in one part.
    std::vector<Q> partitions(std::size_t k) const {
        const Q& self = static_cast<const Q&>(*this);
        std::vector<Q> parts;
        for (query_spec& part : partition_specs(query_access::session(self), query_access::spec(self), k))
            parts.push_back(query_access::make<Q>(query_access::session(self), std::move(part)));
        return parts;
    }

private:
    template <class F> Q changed(F change) const {
        Q q = static_cast<const Q&>(*this);
        change(query_access::spec(q));
        return q;
    }
};
}  // namespace detail

// A query may outlive neither its session's destruction (using it then throws sluice::error)
// nor is it tied to the session object's address: it follows a moved session.
template <class T> class query : public detail::query_base<query<T>> {
public:
    query(session& s) : session_(s.handle()) { spec_.table = &table_of<T>(); }

    // Filters; several where() calls are ANDed.
    query where(predicate<T> p) const {
        query q = *this;
        if (q.spec_.filter) {
            predicate<T> combined = predicate<T>{*q.spec_.filter} && std::move(p);
            q.spec_.filter = std::make_shared<const detail::expr_node>(std::move(combined.node));
        } else {
            q.spec_.filter = std::make_shared<const detail::expr_node>(std::move(p.node));
        }
        return q;
    }

    // Ascending by a field, or by asc()/desc() keys; several calls add further keys. The primary
    // key is always appended as the final tiebreak, so the order is total.
    template <class M> query order_by(M T::*member) const { return order_by(asc(member)); }
    query order_by(order_key<T> key) const {
        query q = *this;
        q.spec_.order.push_back({key.column, key.descending});
        return q;
    }

    // The same query, run on another session (of a pool, in another thread).
    query on(session& s) const {
        query q = *this;
        q.session_ = s.handle();
        return q;
    }

    // --- terminal operations -------------------------------------------------------------
    std::vector<T> all() const {
        std::vector<T> out;
        detail::run_select(session_, spec_, {}, [&](detail::row_reader& row) {
            out.emplace_back();
            detail::read_row(*spec_.table, row, &out.back());
        });
        return out;
    }

    std::optional<T> first() const {
        std::optional<T> out;
        detail::run_select(session_, spec_, {}, [&](detail::row_reader& row) {
            out.emplace();
            detail::read_row(*spec_.table, row, &*out);
        }, 1);
        return out;
    }

    std::uint64_t count() const { return detail::run_count(session_, spec_); }

    // Scalar aggregates of the matching rows (aggregate.hpp). sum: std::int64_t for integer
    // columns, double for floating point, sluice::decimal (exact) for DECIMAL; 0 when no row
    // matches. min, max: std::optional of the field's type. avg: std::optional<double> for numbers,
    // std::optional<sluice::decimal> for DECIMAL (rounded to the column's scale + 4 places).
    template <class M> auto sum(M T::*member) const;
    template <class M> auto min(M T::*member) const;
    template <class M> auto max(M T::*member) const;
    template <class M> auto avg(M T::*member) const;

    // GROUP BY these columns; then having(...) and select<R>(...) (aggregate.hpp).
    template <class... M> grouped_query<T> group_by(M T::*... members) const;
    bool exists() const { return detail::run_exists(session_, spec_); }

    // Just the named columns, as tuples: .all() (or a conversion to std::vector) runs one SELECT;
    // .yield_per(n) / .batches(n) page through them by keyset, reading only those columns and
    // the scan's keys (see cursor.hpp).
    template <class... M> projection<T, M...> select(M T::*... members) const {
        static_assert(sizeof...(M) > 0, "sluice: select() needs at least one column");
        return projection<T, M...>(*this, std::vector<std::size_t>{column_index(members)...});
    }

    // UPDATE ... SET ... WHERE <filters>; returns rows matched, changed or not (SQLite counts them
    // so; SOCI connects to MariaDB with CLIENT_FOUND_ROWS, which makes it count them so too).
    // An expression assigned, set(&T::m, col(&T::m) * 2), reads the row as it was before the
    // update, in every set() of the call.
    template <class... A> std::uint64_t update(assignment<T> first, A... more) const {
        return detail::run_update(session_, spec_, column_sets(std::move(first), std::move(more)...));
    }

    // DELETE ... WHERE <filters>; returns rows deleted.
    std::uint64_t remove() const { return detail::run_remove(session_, spec_); }

    // For tables too big for one statement: walk the matching rows by primary-key ranges, one
    // short transaction per batch of at most batch_rows rows. Rows added behind the walk are not
    // touched; a failed batch throws sluice::batch_error (earlier batches stay committed) whose
    // resume_token() continues with it. Must run outside a transaction. Returns rows matched,
    // changed or not, as update() does (batch_progress::rows_so_far counts the same). A batch
    // that lost its connection is run again, unless an expression is assigned and the loss came
    // during its COMMIT: then whether it was applied is unknown, and running it again could apply
    // it twice, so the batch_error says so (its token continues after the batch).
    template <class... A>
    std::uint64_t update_in_batches(std::size_t batch_rows, batch_options options, assignment<T> first, A... more) const {
        return detail::run_in_batches(session_, spec_, batch_rows, column_sets(std::move(first), std::move(more)...), options);
    }
    template <class... A> std::uint64_t update_in_batches(std::size_t batch_rows, assignment<T> first, A... more) const {
        return update_in_batches(batch_rows, batch_options{}, std::move(first), std::move(more)...);
    }
    std::uint64_t remove_in_batches(std::size_t batch_rows, batch_options options = {}) const {
        return detail::run_in_batches(session_, spec_, batch_rows, {}, options);
    }

    // Joins (join.hpp): the rows of T with the matching rows of U, as std::tuple<T, U> (a left
    // join keeps T's rows without a match: std::tuple<T, std::optional<U>>). `on` compares columns
    // of T and U: join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no)).
    template <class U, class P> join_query<T, detail::inner_joined<U>> join(predicate<P> on) const;
    template <class U, class P> join_query<T, detail::left_joined<U>> left_join(predicate<P> on) const;

    // Lazy keyset-paginated iteration in O(page) memory (see cursor.hpp).
    yield_range<T> yield_per(std::size_t page_size) const;
    batch_range<T> batches(std::size_t page_size) const;

private:
    friend struct detail::query_access;
    template <class, class...> friend class projection;
    template <class, class...> friend class join_query;
    template <class... A> static std::vector<detail::column_set> column_sets(assignment<T> first, A... more) {
        static_assert((std::is_same_v<A, assignment<T>> && ...), "sluice: update() takes set(&T::field, value) assignments of this query's model");
        std::vector<detail::column_set> sets;
        sets.reserve(1 + sizeof...(A));
        sets.push_back({first.column, std::move(first.v), std::move(first.expr)});
        (sets.push_back({more.column, std::move(more.v), std::move(more.expr)}), ...);
        return sets;
    }
    query(detail::session_handle s, detail::query_spec spec) : session_(std::move(s)), spec_(std::move(spec)) {}

    template <class Tuple, std::size_t... I>
    void read_tuple(detail::row_reader& row, const std::vector<std::size_t>& columns, Tuple& out,
                    std::index_sequence<I...>) const {
        (detail::read_column(*spec_.table, columns[I], row, static_cast<int>(I), &std::get<I>(out),
                             detail::codec_for<std::tuple_element_t<I, Tuple>>.read),
         ...);
    }

    detail::session_handle session_;
    detail::query_spec spec_;
};

template <class T> query<T> session::query() { return sluice::query<T>(*this); }

}  // namespace sluice
