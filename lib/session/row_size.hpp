// Private: the bytes a row of bound values takes in one statement, and refusing, before it is
// sent, a row too large for any statement (MariaDB closes the connection after such a packet).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "backend/connection.hpp"

namespace sluice::detail {

// An upper bound of the bytes one bound value takes on the wire: MariaDB's binary protocol
// sends text and blobs behind a length of up to 9 bytes, numbers and times in 8 to 12.
std::size_t value_bytes(const value_ref& v) noexcept;

// Whether a one-row statement carrying `row` (its header, NULL bitmap and types included)
// stays within the backend's statement_limit(); `value_bytes_sum`, when the caller has it, is
// the sum of value_bytes over the row.
bool row_fits_statement(const connection& conn, std::span<const value_ref> row) noexcept;
bool row_fits_statement(const connection& conn, std::size_t values, std::size_t value_bytes_sum) noexcept;

// The error for a row that does not fit: names the table, the largest column (`columns[i]` is
// the column of row[i]) and the limit. `which` says which row, `undone` what the call left.
[[noreturn]] void throw_oversize_row(const connection& conn, const table_info& t, std::span<const value_ref> row,
                                     std::span<const std::size_t> columns, std::string_view which, std::string_view undone);

}  // namespace sluice::detail
