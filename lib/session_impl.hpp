// Private: the state behind sluice::session, shared with query and cursor code.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <sluice/session.hpp>

#include "connection.hpp"
#include "url.hpp"

namespace sluice::detail {

class session_impl {
public:
    explicit session_impl(connection_target target);

    const dialect& sql() const noexcept { return conn_->sql(); }
    connection& conn() noexcept { return *conn_; }
    const connection_target& target() const noexcept { return target_; }

    // Every statement goes through here: timing, the statement log, and error context.
    std::uint64_t run(std::string_view sql, std::span<const value_ref> params, row_callback on_row);
    std::uint64_t run(std::string_view sql, std::span<const value_ref> params);

    int transaction_depth = 0;
    std::function<void(const statement_event&)> observer;
    bool echo = false;

private:
    connection_target target_;
    std::unique_ptr<connection> conn_;
};

// Fills obj's fields from the current row (columns in model order, starting at `first`);
// wraps conversion failures with table and column.
void read_object(const table_info& t, row_reader& row, void* obj, int first = 0);
value_ref field_ref(const column_info& c, const void* obj) noexcept;

}  // namespace sluice::detail
