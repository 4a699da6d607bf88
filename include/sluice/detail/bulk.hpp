// The non-template half of insert_many/upsert_many: chunk sizing, the multi-row INSERT, the
// transaction, and error reports that name the failing row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <sluice/detail/export.hpp>
#include <sluice/model.hpp>
#include <sluice/options.hpp>

namespace sluice {
class session;


namespace detail {

class SLUICE_API bulk_writer {
public:
    bulk_writer(session& s, const table_info& t, std::size_t row_size, bool upsert, bulk_options options);
    bulk_writer(const bulk_writer&) = delete;
    bulk_writer& operator=(const bulk_writer&) = delete;
    ~bulk_writer();

    std::size_t chunk_capacity() const noexcept;
    // Whether one more row fits the current chunk's byte budget (MariaDB's max_allowed_packet);
    // throws sluice::error for a row that no statement can carry, before anything is sent.
    bool fits(const void* row);
    // Writes rows[0..count) (objects `row_size` bytes apart) as one statement.
    void write(const void* rows, std::size_t count);
    // Commits the writer's transaction (or savepoint); returns rows written.
    std::uint64_t finish();

    struct state;

private:
    std::unique_ptr<state> state_;
};

}  // namespace detail
}  // namespace sluice
