// Sizing a row of bound values against the backend's limit on one statement.
#include "session/row_size.hpp"

#include <sluice/error.hpp>

namespace sluice::detail {

std::size_t value_bytes(const value_ref& v) noexcept {
    if (const auto* s = std::get_if<std::string_view>(&v)) return s->size() + 9;
    if (const auto* b = std::get_if<std::span<const std::byte>>(&v)) return b->size() + 9;
    return 16;
}

namespace {

std::size_t row_bytes(std::span<const value_ref> row) noexcept {
    // COM_STMT_EXECUTE: 11 bytes of header, then per value a NULL bit and 2 bytes of type.
    std::size_t bytes = 16;
    for (const value_ref& v : row) bytes += value_bytes(v) + 3;
    return bytes;
}

}  // namespace

bool row_fits_statement(const connection& conn, std::span<const value_ref> row) noexcept {
    return row_bytes(row) <= conn.statement_limit().bytes;
}

void throw_oversize_row(const connection& conn, const table_info& t, std::span<const value_ref> row,
                        std::span<const std::size_t> columns, std::string_view which, std::string_view undone) {
    std::size_t largest = 0;
    for (std::size_t i = 1; i < row.size(); ++i)
        if (value_bytes(row[i]) > value_bytes(row[largest])) largest = i;
    const column_info& c = t.columns[columns[largest]];
    const size_limit limit = conn.statement_limit();
    throw error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" + std::string(to_string(c.kind)) + "): " +
                std::string(which) + " needs " + std::to_string(row_bytes(row)) + " bytes, more than " +
                std::string(limit.name) + " (" + std::to_string(limit.bytes) + ") allows; " + std::string(undone));
}

}  // namespace sluice::detail
