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

class connection {
public:
    virtual ~connection() = default;
    virtual const dialect& sql() const noexcept = 0;

    // Runs one statement; calls on_row for each result row. Returns rows affected (writes)
    // or rows read (queries).
    virtual std::uint64_t run(std::string_view sql, std::span<const value_ref> params,
                              row_callback on_row) = 0;
    virtual std::uint64_t last_insert_id() = 0;
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
