// Private: the state behind sluice::session, shared with query and cursor code.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include <sluice/session.hpp>
#include <sluice/stream.hpp>

#include "backend/connection.hpp"
#include "session/rows.hpp"
#include "backend/url.hpp"

namespace sluice::detail {

// What a live column holds exactly (-1: no such limit): a DECIMAL's precision and scale, the
// fractional-second digits of a DATETIME/TIMESTAMP.
struct column_limit {
    int precision = -1;
    int scale = -1;
    int fraction_digits = -1;
};

// Throws conversion_error naming the column (and the row, for several rows) when a bound value
// would be rounded or truncated by the column it is written to; `undone` says what that leaves
// (built only for the message: insert_many checks every row).
void check_exact_writes(session_impl& s, const table_info& t, std::span<const value_ref> params,
                        std::span<const std::size_t> param_columns, function_ref<std::string()> undone);

// A where() or key value the backend cannot bind (a decimal of more than 15 digits on SQLite, a
// datetime outside MariaDB's years), as a conversion_error naming the table and the value.
[[noreturn]] void throw_query_value(const table_info& t, const bind_mismatch& m);

// The same for the assignments of query<T>::update and update_in_batches.
void check_exact_sets(session_impl& s, const table_info& t, const std::vector<column_set>& sets, std::string_view undone);

// A keyset page whose statement has run but whose rows are still on the wire (prefetch): before
// anything else runs on the connection its owner reads them into its spare buffer (settle), or,
// when the connection is about to go, drops them (abandon).
struct page_in_flight {
    virtual void settle() noexcept = 0;
    virtual void abandon() noexcept = 0;

protected:
    ~page_in_flight() = default;
};

class session_impl {
public:
    explicit session_impl(connection_target target);
    ~session_impl();
    session_impl(const session_impl&) = delete;
    session_impl& operator=(const session_impl&) = delete;

    const dialect& sql() const noexcept { return conn_->sql(); }
    // The dialect for statements whose shape depends on t's storage engine (keyset pages, key
    // ranges, DELETE): on MariaDB a SPIDER table gets spider_dialect(). The engine is looked up
    // per table and session and kept for engine_lookup_ttl; a reconnect, or DDL or USE through
    // this session, forgets what was looked up.
    const dialect& sql_for(const table_info& t);
    // The dialect of a query's statements: its table's, and for a join one that suits every
    // table it reads (the collated one if any compares text in a collation); joins of SPIDER
    // tables are refused.
    const dialect& sql_for(const query_spec& q);
    void forget_table_engines() noexcept {
        spider_tables_.clear();
        column_limits_.clear();
    }
    // The limits of t's columns in the live table, by model column: looked up once per model
    // (two models of one table each get their own), kept for engine_lookup_ttl, forgotten with
    // the engines, after DDL through this session and on reconnect. Empty while there is no table.
    const std::vector<column_limit>& limits_for(const table_info& t);
    static constexpr std::chrono::seconds engine_lookup_ttl{30};
    connection& conn() noexcept { return *conn_; }
    bool connected() const noexcept { return conn_ && !lost_; }
    const connection_target& target() const noexcept { return target_; }

    // Every statement goes through here: timing, the statement log, and error context.
    std::uint64_t run(std::string_view sql, std::span<const value_ref> params, row_callback on_row);
    std::uint64_t run(std::string_view sql, std::span<const value_ref> params);

    // Replaces a lost connection (session settings are applied again on connect).
    void reconnect();
    // A round trip to the server; false (and the connection marked lost) when it does not answer.
    bool ping() noexcept;
    // Retries `attempt` (a read or an idempotent batch) on lost connections outside a
    // transaction, per the retry policy; `give_up` builds the exception when retries run out.
    void with_retries(function_ref<void()> attempt, function_ref<std::string()> resume_token);

    int transaction_depth = 0;
    std::uint64_t generation = 0;  // incremented by every reconnect: open transactions are gone
    // Nonzero after a flat nested transaction (no SAVEPOINT) at this depth rolled back the real
    // transaction: statements since run in a replacement transaction, which the outermost guard
    // rolls back (its commit() throws). Savepoints of guards below this depth are gone.
    int doomed_depth = 0;
    // Transactions hold a weak reference: one that outlives its session must not touch it.
    std::shared_ptr<const void> alive = std::make_shared<int>(0);
    retry_policy retry;
    std::function<void(const statement_event&)> observer;
    bool echo = false;
    statement_log log;  // level off or no sink: nothing is built
    // session::on_connect: run on `owner` after every reconnect (the session object this state
    // belongs to, kept current by session's moves).
    std::function<void(session&)> connect_hook;
    session* owner = nullptr;

    // stream<>: outside a transaction a stream runs on a connection of the session's own; a
    // finished stream's connection is kept here for the next one.
    std::unique_ptr<connection> take_spare_connection();
    void give_back_spare_connection(std::unique_ptr<connection> c) noexcept;
    // A stream open on this session's connection (inside a transaction, or an in-memory SQLite
    // database): every other statement is refused until it ends. Detached if the session goes first.
    raw_stream::state* main_stream = nullptr;
    void refuse_while_streaming(std::string_view sql) const;

    // A scan's prefetched page on this connection (at most one): settled before any statement.
    page_in_flight* in_flight = nullptr;
    void settle_in_flight() noexcept {
        if (page_in_flight* p = std::exchange(in_flight, nullptr)) p->settle();
    }
    // Whether statements are observed (SLUICE_ECHO, on_statement, a log): a prefetched page reports
    // itself through note_statement, having run outside run().
    bool observed() const noexcept { return echo || observer || (log.sink && log.level != log_level::off); }
    void note_statement(std::string_view sql, const std::vector<std::string>& values, std::chrono::nanoseconds elapsed,
                        std::uint64_t rows) noexcept;
    // A statement on the connection outside run() failed (a prefetch): the connection may be gone.
    void connection_failed() noexcept {
        if (conn_ && conn_->lost()) mark_lost();
    }
    bool logs(log_level level) const noexcept { return log.sink && level >= log.level && log.level != log_level::off; }
    // Builds the record's message and hands it to the sink; a throwing sink never breaks a statement.
    void emit(log_record record, std::string_view extra = {}) noexcept;
    plan_check plan = plan_check::off;
    // A plan check finding for the statement log: the next statement's event carries it.
    std::string pending_warning;
    // Test hook: called before every statement with its 1-based number on this session.
    std::function<void(std::uint64_t, std::string_view)> before_statement;
    std::uint64_t statements = 0;

private:
    // `hooked`: counted and shown to the test hook (statements sluice runs for itself are not).
    // The connection is gone (or unusable): the next statement reconnects, an open transaction ended.
    void mark_lost() noexcept;
    std::uint64_t guarded_run(std::string_view sql, std::span<const value_ref> params, row_callback on_row, bool hooked = true);
    struct engine_lookup {
        bool spider;
        bool collated;  // text columns in a non-binary collation (mysql_collated_dialect)
        std::chrono::steady_clock::time_point at;
    };
    std::map<std::string, engine_lookup, std::less<>> spider_tables_;  // by table name
    struct model_limits {
        std::vector<column_limit> by_column;  // by model column
        std::chrono::steady_clock::time_point at;
    };
    std::map<const table_info*, model_limits> column_limits_;
    // The thread running a statement on this session now (none between statements): a second
    // thread arriving meanwhile is an error, not a corrupted connection.
    std::atomic<std::thread::id> running_thread_{};
    bool lost_ = false;
    connection_target target_;
    std::unique_ptr<connection> conn_;
    std::vector<std::unique_ptr<connection>> spare_connections_;
};

// Ends a stream<> open on the session's own connection (inside the transaction being rolled back);
// its range's next step throws sluice::error with `why`.
void end_main_stream(session_impl& s, std::string_view why) noexcept;

// Opens a transaction (a savepoint inside one) on the session's connection: what
// session::transaction() does, for code that holds only the session's state.
struct transaction_access {
    static sluice::transaction begin(session_impl& s);
};

}  // namespace sluice::detail
