// Sizing a row of bound values against the backend's limit on one statement.
#include "session/row_size.hpp"

#include <sluice/error.hpp>

#include "model/messages.hpp"

namespace sluice::detail {

std::size_t value_bytes(const value_ref& v) noexcept {
    if (const auto* s = std::get_if<std::string_view>(&v)) return s->size() + 9;
    if (const auto* b = std::get_if<std::span<const std::byte>>(&v)) return b->size() + 9;
    return 16;
}

namespace {

// COM_STMT_EXECUTE: 11 bytes of header, then per value a NULL bit and 2 bytes of type.
std::size_t statement_bytes(std::size_t values, std::size_t value_bytes_sum) noexcept { return 16 + value_bytes_sum + 3 * values; }

std::size_t row_bytes(std::span<const value_ref> row) noexcept {
    std::size_t sum = 0;
    for (const value_ref& v : row) sum += value_bytes(v);
    return statement_bytes(row.size(), sum);
}

}  // namespace

bool row_fits_statement(const connection& conn, std::span<const value_ref> row) noexcept {
    return row_bytes(row) <= conn.statement_limit().bytes;
}

bool row_fits_statement(const connection& conn, std::size_t values, std::size_t value_bytes_sum) noexcept {
    return statement_bytes(values, value_bytes_sum) <= conn.statement_limit().bytes;
}

void throw_oversize_row(const connection& conn, const table_info& t, std::span<const value_ref> row,
                        std::span<const std::size_t> columns, std::string_view which, std::string_view undone) {
    std::size_t largest = 0;
    for (std::size_t i = 1; i < row.size(); ++i)
        if (value_bytes(row[i]) > value_bytes(row[largest])) largest = i;
    const column_info& c = t.columns[columns[largest]];
    const size_limit limit = conn.statement_limit();
    throw error(column_message(t, c,
                               std::string(which) + " needs " + std::to_string(row_bytes(row)) + " bytes, more than " +
                               std::string(limit.name) + " (" + std::to_string(limit.bytes) + ") allows; " + std::string(undone)));
}

}  // namespace sluice::detail
