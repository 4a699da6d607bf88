// A bench table of exactly N generated rows: reused when it already holds N, else made again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>

#include <sluice/sluice.hpp>

#include "report.hpp"

namespace bench {

// make(i) gives row i; the same i always gives the same row, so a reused table is the same data.
// Returns a sentence for the result file. MariaDB gets ANALYZE TABLE so plans see the new data.
template <class T, class Make> std::string ensure_table(sluice::session& db, std::uint64_t rows, Make make) {
    std::optional<std::uint64_t> existing;
    try {
        existing = db.query<T>().count();
    } catch (const sluice::error&) {
        // no table yet
    }
    if (existing && *existing == rows) return "Table reused: it already had exactly " + std::to_string(rows) + " rows.";
    db.drop_table<T>();
    if (db.backend() == sluice::backend::sqlite) db.execute("VACUUM");
    db.create_table<T>();
    const auto t0 = std::chrono::steady_clock::now();
    db.insert_many(std::views::iota(std::int64_t{0}, static_cast<std::int64_t>(rows)) | std::views::transform(make));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (db.backend() == sluice::backend::mariadb) db.execute("ANALYZE TABLE " + std::string(T::table_name));
    return "Table generated with `insert_many`: " + std::to_string(rows) + " rows in " + fmt("%.1f", secs) + " s.";
}

}  // namespace bench
