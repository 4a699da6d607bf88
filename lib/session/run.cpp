// The statement path of a session: every statement's run (thread check, statement log,
// reconnect after a lost connection), retries of idempotent reads, reconnecting.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>  // std::exchange

#include "session/session_impl.hpp"

namespace sluice::detail {

namespace {
// Where the statement's first word starts, after blanks, '(' and ';' and comments; npos if none.
std::size_t first_word(std::string_view sql) {
    std::size_t at = 0;
    for (;;) {
        at = sql.find_first_not_of(" \t\r\n(;", at);
        if (at == std::string_view::npos) return at;
        // MariaDB runs the text of /*! ... */ and /*M! ... */ (dumps are full of them): not a comment.
        if (sql.substr(at, 3) == "/*!" || sql.substr(at, 4) == "/*M!") return at;
        if (sql.substr(at, 2) == "/*") {
            const std::size_t end = sql.find("*/", at + 2);
            if (end == std::string_view::npos) return std::string_view::npos;
            at = end + 2;
        } else if (sql.substr(at, 2) == "--" || sql[at] == '#') {
            const std::size_t end = sql.find('\n', at);
            if (end == std::string_view::npos) return std::string_view::npos;
            at = end + 1;
        } else {
            return at;
        }
    }
}

// CREATE, DROP, ALTER, RENAME or USE: a statement that may change which engine a table name
// stands for.
bool may_change_tables(std::string_view sql) {
    const std::size_t at = first_word(sql);
    if (at == std::string_view::npos) return false;
    auto starts = [&](std::string_view word) {
        if (sql.size() - at < word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i)
            if ((sql[at + i] | 0x20) != word[i]) return false;  // ASCII letters, any case
        return true;
    };
    return starts("create") || starts("drop") || starts("alter") || starts("rename") || starts("use");
}
}  // namespace

session_impl::session_impl(connection_target target) : target_(std::move(target)) {
    conn_ = open_connection(target_);
    const char* echo_env = std::getenv("SLUICE_ECHO");
    echo = echo_env && *echo_env && std::string_view(echo_env) != "0";
}

namespace {
// An error's text with every single-quoted part replaced by '***': servers quote the offending
// value ("Duplicate entry 'alice@example.com' for key ..."), which show_values=false must not log.
std::string without_quoted_values(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] != '\'') continue;
        std::size_t end = i + 1;
        while (end < text.size() && (text[end] != '\'' || (end + 1 < text.size() && text[end + 1] == '\'')))
            end += text[end] == '\'' ? 2 : 1;
        if (end >= text.size()) {  // unterminated: hide the rest
            out += "***";
            return out;
        }
        out += "***'";
        i = end;
    }
    return out;
}
}  // namespace

void session_impl::emit(log_record r, std::string_view extra) noexcept {
    try {
        std::string error_text;
        if (!r.error.empty() && !log.show_values) {
            error_text = without_quoted_values(r.error);
            r.error = error_text;
        }
        static constexpr std::string_view what[] = {"statement", "slow statement", "failed statement", "plan check",
                                                    "retry", "reconnected", "reconnect failed"};
        std::string line = "sluice: " + std::string(what[static_cast<int>(r.event)]);
        char numbers[96];
        if (!r.sql.empty()) {
            std::snprintf(numbers, sizeof numbers, " (%.3f ms, %llu rows)", std::chrono::duration<double, std::milli>(r.elapsed).count(),
                          static_cast<unsigned long long>(r.rows));
            line += numbers;
        }
        if (!extra.empty()) line += ": " + std::string(extra);
        if (!r.error.empty()) line += ": " + std::string(r.error);
        if (!r.sql.empty()) {
            line += (extra.empty() && r.error.empty() ? ": " : " [in: ") + std::string(r.sql);
            if (r.value_count > 0 && r.values.empty()) {
                line += "  -- [" + std::to_string(r.value_count) + (r.value_count == 1 ? " value" : " values") + " not shown]";
            } else if (!r.values.empty()) {
                line += "  -- [";
                for (std::size_t i = 0; i < r.values.size(); ++i) line += (i ? ", " : "") + r.values[i];
                line += "]";
            }
            if (!extra.empty() || !r.error.empty()) line += "]";
        }
        r.message = line;
        if (!r.connection_id && conn_ && !lost_) r.connection_id = conn_->server_connection_id();
        log.sink(r);
    } catch (...) {
        // The log is an observer: its failure must not change what the statement did.
    }
}

void session_impl::reconnect() {
    if (page_in_flight* p = std::exchange(in_flight, nullptr)) p->abandon();
    conn_.reset();  // the old handle first: a server limit on connections must not bite here
    lost_ = true;
    try {
        conn_ = open_connection(target_);
    } catch (const std::exception& e) {
        if (logs(log_level::error)) emit({.level = log_level::error, .event = log_event::reconnect_failed, .error = e.what()});
        throw;
    }
    lost_ = false;
    if (logs(log_level::info))
        emit({.level = log_level::info, .event = log_event::reconnect},
             "new connection " + std::to_string(conn_->server_connection_id()) + (transaction_depth > 0 ? " (the open transaction is gone)" : ""));
    if (connect_hook && owner) {
        try {
            connect_hook(*owner);
        } catch (...) {
            mark_lost();  // not configured: the next statement connects (and runs the hook) again
            throw;
        }
    }
    ++generation;
    doomed_depth = 0;
    transaction_depth = 0;
    forget_table_engines();
}

void session_impl::with_retries(function_ref<void()> attempt, function_ref<std::string()> resume_token) {
    auto backoff = retry.initial_backoff;
    for (int tries = 1;; ++tries) {
        const bool in_transaction = transaction_depth > 0;
        try {
            if (lost_ || !conn_) reconnect();
            attempt();
            return;
        } catch (const connection_error& e) {
            // Inside a transaction the server has rolled it back: repeating one statement would
            // silently drop the rest of it. The caller must rerun the transaction.
            if (in_transaction)
                throw connection_error(std::string(e.what()) + " (inside a transaction, which the server rolled back)",
                                       resume_token());
            if (tries >= retry.attempts)
                throw connection_error(std::string(e.what()) + " (gave up after " + std::to_string(tries) +
                                           " attempts; resume from the token)",
                                       resume_token());
            if (logs(log_level::info))
                emit({.level = log_level::info, .event = log_event::retry, .error = e.what()},
                     "attempt " + std::to_string(tries + 1) + " of " + std::to_string(retry.attempts) + " in " +
                         std::to_string(backoff.count()) + " ms");
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(retry.max_backoff,
                           std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(backoff.count()) * retry.multiplier)));
    }
}

std::uint64_t session_impl::run(std::string_view sql, std::span<const value_ref> params, row_callback on_row) {
    std::thread::id running{};
    const std::thread::id me = std::this_thread::get_id();
    if (!running_thread_.compare_exchange_strong(running, me) && running != me)
        throw error("sluice: a session was used by two threads at once (while one ran [" + std::string(sql.substr(0, 200)) +
                    "]): a session belongs to one thread at a time; give each thread its own, e.g. from a sluice::pool");
    // Only the outermost run on this thread releases the session (row callbacks may run more).
    struct release {
        std::atomic<std::thread::id>* slot;
        ~release() {
            if (slot) slot->store(std::thread::id{});
        }
    } released{running == me ? nullptr : &running_thread_};
    refuse_while_streaming(sql);
    settle_in_flight();
    ++statements;
    // Blank or comment-only text: MariaDB refuses some forms and runs others as nothing, SQLite
    // prepares no statement; one error for all of them.
    if (first_word(sql) == std::string_view::npos)
        throw statement_error("sluice: the query is empty (only blanks or comments) [in: " + std::string(sql.substr(0, 200)) + "]",
                              1065, "42000");
    if ((!spider_tables_.empty() || !column_limits_.empty()) && may_change_tables(sql)) forget_table_engines();
    if (lost_ || !conn_) {
        // The previous statement lost the connection: start a new one. Never libmariadb's
        // automatic reconnect, which would silently drop session state and transactions.
        reconnect();
    }
    const std::string warning = std::exchange(pending_warning, {});
    const bool logged = log.sink && log.level != log_level::off;
    if (!observer && !echo && !logged) return guarded_run(sql, params, on_row);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> shown;
    const auto describe_values = [&] {
        if (shown.size() == params.size()) return;
        shown.reserve(params.size());
        for (const value_ref& v : params) shown.push_back(describe(v));
    };
    std::uint64_t rows = 0;
    try {
        rows = guarded_run(sql, params, on_row);
    } catch (const std::exception& e) {
        if (logs(log_level::error)) {
            if (log.show_values) describe_values();
            emit({.level = log_level::error, .event = log_event::failed_statement, .sql = sql, .value_count = params.size(),
                  .values = log.show_values ? std::span<const std::string>(shown) : std::span<const std::string>{},
                  .elapsed = std::chrono::steady_clock::now() - start, .error = e.what()});
        }
        throw;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (logged) {
        const bool slow = log.slow_after.count() > 0 && elapsed >= log.slow_after;
        const log_level level = slow ? log_level::warning : log_level::trace;
        if (!warning.empty() && logs(log_level::warning))
            emit({.level = log_level::warning, .event = log_event::plan_warning, .sql = sql, .value_count = params.size(),
                  .elapsed = elapsed, .rows = rows},
                 warning);
        if (logs(level)) {
            if (log.show_values) describe_values();
            emit({.level = level, .event = slow ? log_event::slow_statement : log_event::statement, .sql = sql,
                  .value_count = params.size(),
                  .values = log.show_values ? std::span<const std::string>(shown) : std::span<const std::string>{},
                  .elapsed = elapsed, .rows = rows});
        }
    }
    if (!observer && !echo) return rows;
    describe_values();
    const statement_event event{sql, shown, elapsed, rows, warning};
    if (echo && !warning.empty()) std::fprintf(stderr, "[sluice] warning: %s\n", warning.c_str());
    if (echo) {
        std::string line = "[sluice] " + std::string(sql);
        if (!shown.empty()) {
            line += "  -- [";
            for (std::size_t i = 0; i < shown.size(); ++i) line += (i ? ", " : "") + shown[i];
            line += "]";
        }
        std::fprintf(stderr, "%s  (%.3f ms, %llu rows)\n", line.c_str(),
                     std::chrono::duration<double, std::milli>(elapsed).count(),
                     static_cast<unsigned long long>(rows));
    }
    if (observer) observer(event);
    return rows;
}

std::uint64_t session_impl::run(std::string_view sql, std::span<const value_ref> params) {
    return run(sql, params, [](row_reader&) {});
}

void session_impl::refuse_while_streaming(std::string_view sql) const {
    if (main_stream)
        throw error("sluice: a stream<> is open on this session's connection (it runs inside the transaction, or on an "
                    "in-memory SQLite database, which has one connection): read it to the end or close() it before running "
                    "other statements on the session [refused: " + std::string(sql.substr(0, 200)) + "]");
}

std::uint64_t session_impl::guarded_run(std::string_view sql, std::span<const value_ref> params, row_callback on_row, bool hooked) {
    refuse_while_streaming(sql);
    settle_in_flight();
    try {
        if (hooked && before_statement) before_statement(statements, sql);
        return conn_->run(sql, params, on_row);
    } catch (const connection_error&) {
        mark_lost();
        throw;
    } catch (const error&) {
        // A statement error after which the backend cannot go on (MariaDB closes the connection
        // after a packet above max_allowed_packet): the next call reconnects too.
        if (conn_->lost()) mark_lost();
        throw;
    }
}

void session_impl::note_statement(std::string_view sql, const std::vector<std::string>& values, std::chrono::nanoseconds elapsed,
                                  std::uint64_t rows) noexcept {
    try {
        if (echo) {
            std::string line = "[sluice] " + std::string(sql);
            if (!values.empty()) {
                line += "  -- [";
                for (std::size_t i = 0; i < values.size(); ++i) line += (i ? ", " : "") + values[i];
                line += "]";
            }
            std::fprintf(stderr, "%s  (%.3f ms, %llu rows, prefetched)\n", line.c_str(),
                         std::chrono::duration<double, std::milli>(elapsed).count(), static_cast<unsigned long long>(rows));
        }
        if (observer) observer(statement_event{sql, values, elapsed, rows, {}});
        const bool slow = log.slow_after.count() > 0 && elapsed >= log.slow_after;
        const log_level level = slow ? log_level::warning : log_level::trace;
        if (logs(level))
            emit({.level = level, .event = slow ? log_event::slow_statement : log_event::statement, .sql = sql,
                  .value_count = values.size(),
                  .values = log.show_values ? std::span<const std::string>(values) : std::span<const std::string>{},
                  .elapsed = elapsed, .rows = rows},
                 "prefetched page");
    } catch (...) {
        // Observers never change what the statement did.
    }
}

bool session_impl::ping() noexcept {
    settle_in_flight();
    if (conn_ && !lost_ && conn_->ping()) return true;
    mark_lost();
    return false;
}

void session_impl::mark_lost() noexcept {
    lost_ = true;
    if (transaction_depth > 0) {
        transaction_depth = 0;
        ++generation;  // open transaction guards are now stale
        doomed_depth = 0;
    }
}


}  // namespace sluice::detail
