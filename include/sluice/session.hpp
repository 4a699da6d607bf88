// sluice::session: one connection to SQLite or MariaDB/MySQL, and the single-row operations.
// A session is not thread-safe: give each thread its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/detail/bind.hpp>
#include <sluice/detail/bulk.hpp>
#include <sluice/detail/export.hpp>
#include <sluice/detail/query_spec.hpp>
#include <sluice/error.hpp>
#include <sluice/model.hpp>
#include <sluice/options.hpp>
#include <sluice/transaction.hpp>

namespace sluice {

namespace detail {
class session_impl;
struct session_access;
}  // namespace detail

template <class T> class query;
template <class R> class stream_range;

using raw_row = std::vector<std::optional<std::string>>;

namespace detail {
SLUICE_API std::vector<std::string> create_table_sql(const table_info& t, backend b);
}  // namespace detail

// The statements create_table<T>() runs on a backend: CREATE TABLE, then one per index.
template <class T> std::vector<std::string> create_table_sql(backend b) {
    return detail::create_table_sql(table_of<T>(), b);
}

class SLUICE_API session {
public:
    // "sqlite:///relative.db", "sqlite:////abs/path.db", "sqlite://" (in memory),
    // "mysql://user:password@host:3306/db" or "mariadb://...". Throws connection_error.
    explicit session(std::string_view url);
    session(session&&) noexcept;
    session& operator=(session&&) noexcept;
    ~session();

    sluice::backend backend() const;

    // --- schema ---------------------------------------------------------------------------
    template <class T> void create_table() { create_table(table_of<T>()); }
    template <class T> void drop_table() { drop_table(table_of<T>()); }
    // Throws schema_error naming every column where the live table and the model disagree.
    template <class T> void verify() { verify(table_of<T>()); }
    // The statements create_table<T>() runs, for migrations and review.
    template <class T> std::vector<std::string> create_table_sql() const { return create_table_sql(table_of<T>()); }

    // --- single rows ----------------------------------------------------------------------
    // Inserts obj; an auto-increment key that is 0 is assigned by the database and written back.
    template <class T> void insert(T& obj) { insert(table_of<T>(), &obj); }
    template <class T, class... Key> std::optional<T> get(const Key&... key) {
        const detail::bound_values<sizeof...(Key)> bound{key...};
        std::optional<T> out;
        out.emplace();
        if (!get(table_of<T>(), bound.span(), &*out)) out.reset();
        return out;
    }
    // Updates the row with obj's key; throws sluice::error if there is no such row. Every
    // column but the key and server-filled ones (column_option::server_default) is written.
    template <class T> void update(const T& obj) { update(table_of<T>(), &obj); }
    // The same, writing only the fields named: db.update(film, &Film::rental_rate, &Film::rating).
    // A server-filled column named here is written too.
    template <class T, class M, class... Ms> void update(const T& obj, M T::*first, Ms T::*... more) {
        update(table_of<T>(), &obj, std::vector<std::size_t>{column_index(first), column_index(more)...});
    }
    // Deletes the row with obj's key; returns whether there was one.
    template <class T> bool remove(const T& obj) { return remove(table_of<T>(), &obj); }
    // Inserts obj, or updates every non-key column of the row with the same key.
    template <class T> void upsert(T& obj) { upsert(table_of<T>(), &obj); }

    template <class T> sluice::query<T> query();

    // --- many rows ------------------------------------------------------------------------
    // Inserts every row of any input range (a generator or a view of millions of rows is
    // consumed lazily, never materialised), one multi-row INSERT per chunk. All or nothing:
    // it runs in its own transaction, or a savepoint inside the caller's. A failure throws
    // sluice::error naming the row's index in the input. Returns rows inserted.
    template <std::ranges::input_range R>
    std::uint64_t insert_many(R&& rows, bulk_options options = {}) {
        return write_many(std::forward<R>(rows), false, options);
    }
    // The same, updating rows whose primary key exists (ON DUPLICATE KEY / ON CONFLICT).
    template <std::ranges::input_range R>
    std::uint64_t upsert_many(R&& rows, bulk_options options = {}) {
        return write_many(std::forward<R>(rows), true, options);
    }

    // --- transactions ---------------------------------------------------------------------
    sluice::transaction transaction();
    bool in_transaction() const noexcept;
    // Runs fn() in a transaction and commits; on a deadlock, serialization failure or lock wait
    // timeout (and only then) rolls back and runs it again, up to `attempts` times in all.
    // Inside another transaction it runs once: a deadlock ends the whole transaction, which only
    // its outermost level can run again.
    template <class F> decltype(auto) retry_transaction(F&& fn, int attempts = 3) {
        const bool nested = in_transaction();
        for (int attempt = 1;; ++attempt) {
            auto tx = transaction();
            try {
                if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
                    fn();
                    tx.commit();
                    return;
                } else {
                    decltype(auto) result = fn();
                    tx.commit();
                    return result;
                }
            } catch (const statement_error& e) {
                if (nested || attempt >= attempts || !is_retryable(e)) throw;
            }
        }
    }
    // A deadlock, serialization failure or lock wait timeout: the transaction can be run again
    // as a whole. Lock wait timeouts count because a lock cycle across Spider shards is a
    // deadlock no single backend sees: it ends as a timeout (1205), never as 1213.
    static bool is_retryable(const statement_error& e) noexcept;

    // --- connection -----------------------------------------------------------------------
    void set_retry_policy(const retry_policy& policy);
    const retry_policy& get_retry_policy() const;
    // Before the first page of each yield_per/batches scan, checks from the table's indexes (not
    // EXPLAIN, whose choice depends on the table's size and statistics) that an index gives the
    // rows in the scan's order after its where() equalities; see plan_check for what a finding does.
    // Not on a Spider table, whose indexes live on its backends.
    void set_plan_check(plan_check mode);
    plan_check get_plan_check() const;
    // The server's id for this connection (MariaDB CONNECTION_ID(); 0 on SQLite).
    std::uint64_t connection_id();

    // --- raw SQL: the escape hatch; values are bound to `?` placeholders, never spliced ---
    template <class... V> std::uint64_t execute(std::string_view sql, const V&... values) {
        const detail::bound_values<sizeof...(V)> bound{values...};
        return execute(sql, bound.span());
    }
    std::uint64_t execute(std::string_view sql, std::span<const value_ref> values);
    // The first column of the first row as text (NULL -> nullopt), e.g. for SELECT VERSION().
    template <class... V> std::optional<std::string> scalar(std::string_view sql, const V&... values) {
        const detail::bound_values<sizeof...(V)> bound{values...};
        return scalar(sql, bound.span());
    }
    std::optional<std::string> scalar(std::string_view sql, std::span<const value_ref> values);
    // Every row, every cell as text (NULL -> nullopt): for EXPLAIN, SHOW and ad-hoc reports.
    template <class... V> std::vector<raw_row> rows(std::string_view sql, const V&... values) {
        const detail::bound_values<sizeof...(V)> bound{values...};
        return rows(sql, bound.span());
    }
    std::vector<raw_row> rows(std::string_view sql, std::span<const value_ref> values);

    // --- any SQL, typed and streamed (stream.hpp) -------------------------------------------
    // Runs sql once and hands out its rows one at a time as R (an aggregate, fields matched to
    // columns by name; or a std::tuple, by position). A mismatch of columns and fields is an error
    // before the first row. Outside a transaction the statement runs on a connection of the
    // session's own (opened once, reused), so the loop body may use the session freely, reads and
    // writes; the stream reads the data as of its start (one statement). Inside a transaction it
    // runs in the transaction, on the session's connection, and other statements on the session
    // are refused until it ends (so too on an in-memory SQLite database, which has one connection).
    template <class R, class... V> stream_range<R> stream(std::string_view sql, const V&... values);
    // The same rows, collected.
    template <class R, class... V> std::vector<R> fetch_all(std::string_view sql, const V&... values);

    // --- observability --------------------------------------------------------------------
    // Called after every statement. SLUICE_ECHO=1 in the environment prints each to stderr.
    void on_statement(std::function<void(const statement_event&)> callback);
    // Leveled records for a service's logger: statements, slow statements, failures, retries and
    // reconnects, bound values redacted unless log.show_values (see statement_log). Replaces the
    // previous log; a default statement_log{} removes it. Independent of on_statement and SLUICE_ECHO.
    void set_log(statement_log log);
    // Runs hook(*this) now and again after every reconnect (a lost connection replaced), so that
    // what it sets (SET SESSION variables, user variables) holds on every connection the session
    // uses for its statements. Not on the connections of stream<> or consistent_snapshot() scans.
    // An exception from it propagates (after a reconnect: from the statement that reconnected).
    void on_connect(std::function<void(session&)> hook);
    // Whether the connection answers a round trip now (MariaDB COM_PING; SQLite: always true). A
    // dead connection is replaced by the next statement (an open transaction is then gone).
    bool ping();

private:
    template <class> friend class query;
    friend struct detail::session_access;
    // The session's state; throws on a moved-from session.
    detail::session_impl& impl();
    detail::session_handle handle() const;
    template <class R> std::uint64_t write_many(R&& rows, bool upsert, bulk_options options) {
        using T = std::remove_cvref_t<std::ranges::range_reference_t<R>>;
        detail::bulk_writer writer(*this, table_of<T>(), sizeof(T), upsert, options);
        // One reused chunk: assignment keeps the strings' capacity, so memory stays O(chunk).
        std::vector<T> chunk;
        chunk.reserve(writer.chunk_capacity());
        std::size_t used = 0;
        for (auto&& row : rows) {
            if (used == chunk.size()) chunk.emplace_back();
            chunk[used] = std::forward<decltype(row)>(row);
            if (!writer.fits(&chunk[used]) && used > 0) {
                // The packet would overflow: write what came before, start over with this row.
                writer.write(chunk.data(), used);
                std::swap(chunk[0], chunk[used]);
                used = 0;
                (void)writer.fits(&chunk[0]);
            }
            if (++used == writer.chunk_capacity()) {
                writer.write(chunk.data(), used);
                used = 0;
            }
        }
        if (used > 0) writer.write(chunk.data(), used);
        return writer.finish();
    }

    void create_table(const table_info& t);
    void drop_table(const table_info& t);
    void verify(const table_info& t);
    std::vector<std::string> create_table_sql(const table_info& t) const;
    void insert(const table_info& t, void* obj);
    bool get(const table_info& t, std::span<const value_ref> key, void* out);
    void update(const table_info& t, const void* obj);
    void update(const table_info& t, const void* obj, const std::vector<std::size_t>& set_columns);
    bool remove(const table_info& t, const void* obj);
    void upsert(const table_info& t, void* obj);

    std::unique_ptr<detail::session_impl> impl_;
};

namespace detail {
// Internal access to a session's state, for lib/ and the tests' fault hooks (not part of the API).
struct session_access {
    static session_impl& impl(session& s) { return s.impl(); }
};
}  // namespace detail

}  // namespace sluice
