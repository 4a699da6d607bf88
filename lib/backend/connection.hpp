// Private: one native database connection and the statements run on it.
// SOCI opens and owns the connection; statements run through the native API (sqlite3 /
// libmariadb prepared statements) so that every value is bound, never spliced, and rows are
// read straight into model fields.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <sluice/detail/function_ref.hpp>
#include <sluice/types.hpp>

#include "sql/dialect.hpp"

namespace sluice::detail {

using row_callback = function_ref<void(row_reader&)>;

// Thrown by binders when a value cannot be represented by this backend; the session adds
// table and column (it knows which column parameter `index` feeds).
struct bind_mismatch {
    std::size_t index;
    std::string what;
};

// A backend's limit on the size of one statement, under the backend's own name for it.
struct size_limit {
    std::string_view name;
    std::uint64_t bytes;
};

// What a result column holds as a backend declares it before any row: enough to refuse a field
// that cannot take it (stream<R>) before anything is handed out.
enum class result_kind { integer, bit, real, decimal, text, blob, datetime, date, time, year, null };

// The rows of one statement, read on demand: the statement stays open between next() calls, and
// nothing else may run on its connection until it ends (see session_impl's stream connections).
class row_stream {
public:
    virtual ~row_stream() = default;
    virtual std::size_t columns() const noexcept = 0;
    virtual std::string_view column_name(std::size_t i) const noexcept = 0;
    // nullopt where types belong to values, not columns (SQLite).
    virtual std::optional<result_kind> column_kind(std::size_t i) const noexcept = 0;
    // The next row, nullptr after the last. Throws connection_error / statement_error.
    virtual row_reader* next() = 0;
    // True once next() returned nullptr or threw.
    virtual bool finished() const noexcept = 0;
    // Ends the statement before its last row without reading the rest. `stop` is called with
    // the connection's server id while the server may still be sending (MariaDB): it must stop
    // the statement from another connection (KILL QUERY); what is in flight is then discarded.
    // If anything fails, the connection is marked lost.
    virtual void abandon(function_ref<void(std::uint64_t)> stop) noexcept = 0;
};

class connection {
public:
    virtual ~connection() = default;
    virtual const dialect& sql() const noexcept = 0;

    // Runs one statement; calls on_row for each result row. Returns rows affected (writes)
    // or rows read (queries).
    virtual std::uint64_t run(std::string_view sql, std::span<const value_ref> params,
                              row_callback on_row) = 0;
    virtual std::uint64_t last_insert_id() = 0;
    // Runs one statement whose rows are then read one at a time (unbuffered on MariaDB, stepped
    // on SQLite). The stream must end before the connection runs anything else or is destroyed.
    // `cached`: prepare through the connection's statement cache (a statement run again and again).
    virtual std::unique_ptr<row_stream> open_stream(std::string_view sql, std::span<const value_ref> params,
                                                    bool cached = false) = 0;
    // Largest number of bound parameters one statement may take.
    virtual std::size_t max_parameters() const noexcept = 0;
    // Largest number of bytes of bound values one statement may carry.
    virtual std::size_t max_packet_bytes() const noexcept = 0;
    // The longest text or blob value (in bytes) whose position in an ORDER BY the server gets
    // exactly right. MariaDB sorts by the first max_sort_length bytes of a key's weight string
    // only (4 bytes a character for utf8mb4 text), so rows with longer keys may come out of order.
    virtual std::size_t exact_sort_bytes(column_kind kind) const noexcept {
        (void)kind;
        return static_cast<std::size_t>(-1);
    }
    // The limit itself (MariaDB's max_allowed_packet): a row above it cannot be sent at all.
    virtual size_limit statement_limit() const noexcept = 0;
    virtual void* native_handle() noexcept = 0;
    // The server's id for this connection (0 where there is no server).
    virtual std::uint64_t server_connection_id() noexcept = 0;
    // True once an error has left this connection unusable (it was lost, or the server closed
    // it after refusing a statement): the session must open a new one.
    virtual bool lost() const noexcept { return false; }
    // A round trip to the server; false once it does not answer. No server: always true.
    virtual bool ping() noexcept { return true; }
    // The row (1-based) of the statement that just failed at which the server says it failed
    // (MariaDB 10.7+: GET DIAGNOSTICS ... ROW_NUMBER); nullopt where the server reports none.
    // Only meaningful right after the failure, before anything else runs on the connection.
    virtual std::optional<std::uint64_t> failed_row() noexcept { return std::nullopt; }
};

struct connection_target;  // parsed URL, see url.hpp
std::unique_ptr<connection> open_sqlite(const connection_target& target);
std::unique_ptr<connection> open_mysql(const connection_target& target);
// The connection for the URL's backend.
std::unique_ptr<connection> open_connection(const connection_target& target);

}  // namespace sluice::detail
