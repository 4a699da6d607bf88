// The non-template half of insert_many/upsert_many: chunk sizing, the multi-row INSERT, the
// transaction, and error reports that name the failing row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <sluice/detail/export.hpp>
#include <sluice/model.hpp>

namespace sluice {
class session;

struct bulk_options {
    // Rows per INSERT statement at most; the backend's parameter and packet limits may lower it.
    std::size_t chunk_rows = 1000;
    // When set, receives each inserted row's primary key, in input order: the generated key for
    // rows whose auto-increment key was 0, the given key otherwise. Generated keys come from the
    // statement's first (MariaDB) or last (SQLite) id, which is exact because one multi-row INSERT
    // gets evenly spaced ids (SQLite: consecutive, under the write lock; MariaDB: innodb_autoinc_lock_mode
    // 0 or 1, spaced by auto_increment_increment).
    // Where that is not guaranteed (lock mode 2, or a chunk mixing given and generated keys),
    // those rows are inserted one statement each.
    std::vector<std::int64_t>* ids = nullptr;
};

namespace detail {

class SLUICE_API bulk_writer {
public:
    bulk_writer(session& s, const table_info& t, std::size_t row_size, bool upsert, bulk_options options);
    bulk_writer(const bulk_writer&) = delete;
    bulk_writer& operator=(const bulk_writer&) = delete;
    ~bulk_writer();

    std::size_t chunk_capacity() const noexcept;
    // Whether one more row fits the current chunk's byte budget (MariaDB's max_allowed_packet).
    bool fits(const void* row) noexcept;
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
