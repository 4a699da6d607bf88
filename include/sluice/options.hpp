// The option and report structs users pass to and receive from sessions, writes and scans.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class backend { sqlite, mariadb };

// What the statement log reports for each statement run (see session::on_statement).
struct statement_event {
    std::string_view sql;
    std::span<const std::string> values;  // bound values as text, long ones cut
    std::chrono::nanoseconds elapsed;
    std::uint64_t rows;                    // affected (writes) or read (queries)
    // The plan check's finding on this statement, the first page of a scan (see
    // session::set_plan_check, plan_check::warn); empty for none.
    std::string_view warning;
};

// --- the statement log a service routes to its own logger (session::set_log, pool_options::log) ---
// Levels, least severe first. A log set at `info` receives info, warning and error records.
enum class log_level {
    trace,    // every statement
    info,     // reconnects and retries after a lost connection
    warning,  // statements slower than statement_log::slow_after; plan check findings
    error,    // statements that failed, reconnects that failed
    off,
};

enum class log_event { statement, slow_statement, failed_statement, plan_warning, retry, reconnect, reconnect_failed };

// Its views and span point into sluice's memory for the duration of the sink call only: a logger
// that queues records must copy what it keeps.
struct log_record {
    log_level level = log_level::trace;
    log_event event = log_event::statement;
    // The whole record as one line ("sluice: slow statement (1520.3 ms, 10 rows): SELECT ... [2 values
    // not shown]"), for a logger that takes text.
    std::string_view message{};
    std::string_view sql{};               // the statement; empty for reconnects
    std::size_t value_count = 0;          // how many values were bound
    std::span<const std::string> values{};  // their text, only with statement_log::show_values
    std::chrono::nanoseconds elapsed{};
    std::uint64_t rows = 0;               // affected (writes) or read (queries)
    std::string_view error{};             // failed statements, retries, reconnects: what went wrong
    std::uint64_t connection_id = 0;      // the server's id (MariaDB CONNECTION_ID(); 0 on SQLite)
};

struct statement_log {
    std::function<void(const log_record&)> sink{};  // called on the thread that ran the statement
    log_level level = log_level::info;            // records below this level are not even built
    // A statement that takes longer is a warning (slow_statement) rather than a trace record.
    std::chrono::milliseconds slow_after{1000};
    // Bound values are often personal data or secrets: records carry only their count unless asked.
    bool show_values = false;
};

// What a yield_per/batches scan does when no index serves its order, so that every page would
// read and sort every row its filters match (see session::set_plan_check).
enum class plan_check {
    off,    // no check (the default)
    warn,   // the first page's statement_event carries the finding as .warning (SLUICE_ECHO prints it)
    error,  // the scan throws sluice::error naming the index to add, before any row is handed out
};

// How yield_per, batches and the batched mutations survive a lost connection outside a
// transaction: reconnect and repeat the interrupted page or batch, up to `attempts` times, waiting
// initial_backoff, then multiplier times longer each time, at most max_backoff.
struct retry_policy {
    int attempts = 5;
    std::chrono::milliseconds initial_backoff{100};
    double multiplier = 2.0;
    std::chrono::milliseconds max_backoff{5000};
};

struct bulk_options {
    // Rows per INSERT statement at most; the backend's parameter and packet limits may lower it.
    std::size_t chunk_rows = 1000;
    // When set, receives each inserted row's primary key, in input order: the generated key for
    // rows whose auto-increment key was 0, the given key otherwise. Generated keys come from the
    // statement's first (MariaDB) or last (SQLite) id, which is exact because one multi-row INSERT
    // gets evenly spaced ids (SQLite: consecutive, under the write lock; MariaDB: innodb_autoinc_lock_mode
    // 0 or 1, spaced by auto_increment_increment).
    // Where that is not guaranteed (lock mode 2, or a chunk mixing given and generated keys),
    // those rows are inserted one statement each. A call that fails appends nothing.
    std::vector<std::int64_t>* ids = nullptr;
};

// Progress of a scan or a batched mutation.
struct batch_progress {
    std::uint64_t rows_so_far;          // rows read (scans) or matched (mutations), this batch included
    std::size_t rows_in_batch;
    std::chrono::nanoseconds elapsed;   // since the start
    const std::string& token;           // resumes after this batch
};

struct batch_options {
    std::function<void(const batch_progress&)> on_batch;
    // Sleep between batches, to leave room for other writers and for replicas to catch up.
    std::chrono::milliseconds pause{0};
};

}  // namespace sluice
