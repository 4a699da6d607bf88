// Integration tests are written once and run per backend: the suite's environment says which
// (SLUICE_TEST_BACKEND), and differences between backends are data here, not #ifdefs in tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include <sluice/sluice.hpp>

#include "cluster/tier.hpp"

namespace support {

struct backend_quirks {
    sluice::backend kind;
    std::string url;
    // SQLite integers are signed 64-bit.
    std::uint64_t max_unsigned;
    // MariaDB DATETIME covers years 1000-9999; sluice's SQLite text form 0000-9999.
    int min_year;
};

inline const backend_quirks& backend() {
    static const backend_quirks quirks = [] {
        const char* which = std::getenv("SLUICE_TEST_BACKEND");
        const std::string name = which ? which : "sqlite";
        if (name == "mariadb") {
            const char* url = std::getenv("SLUICE_TEST_MYSQL_URL");
            // A MariaDB suite without a server is a failure, never a skip.
            if (!url || !*url) throw std::runtime_error("SLUICE_TEST_MYSQL_URL is not set: start scripts/mariadb or run scripts/test");
            return backend_quirks{sluice::backend::mariadb, url, std::numeric_limits<std::uint64_t>::max(), 1000};
        }
        const char* dir = std::getenv("SLUICE_TEST_DIR");
        const std::string path = std::string(dir ? dir : ".") + "/sluice_test.db";
        return backend_quirks{sluice::backend::sqlite, "sqlite:///" + path,
                              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), 0};
    }();
    return quirks;
}

inline bool is_sqlite() { return backend().kind == sluice::backend::sqlite; }

inline sluice::session connect() { return sluice::session(backend().url); }

// On a cluster tier (scripts/test --cluster) the suite's tables may be sharded across servers,
// and some behaviour of the server changes: tests/cluster/tier.hpp says which.
inline bool on_mariadb_tier() { return backend().kind == sluice::backend::mariadb; }
inline bool tables_sharded() { return on_mariadb_tier() && cluster::tables_sharded(); }
inline bool has_savepoints() { return !on_mariadb_tier() || cluster::has_savepoints(); }
inline bool raw_delete_counts_rows() { return !on_mariadb_tier() || cluster::raw_delete_counts_rows(); }
inline bool float_exact() { return !on_mariadb_tier() || cluster::float_exact(); }
inline bool sorts_long_text_exactly() { return !on_mariadb_tier() || cluster::sorts_long_text_exactly(); }
inline bool reports_killed_fetches() { return !on_mariadb_tier() || cluster::reports_killed_fetches(); }

// T's table dropped and created anew (sharded where the tier shards).
template <class T> void recreate(sluice::session& db) {
    if (on_mariadb_tier() && cluster::recreate_sharded<T>(db)) return;
    db.drop_table<T>();
    db.create_table<T>();
}

// A session with T's table dropped and created anew.
template <class... T> sluice::session fresh() {
    sluice::session db = connect();
    (recreate<T>(db), ...);
    return db;
}

inline sluice::datetime at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int us = 0) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

inline sluice::date day(int y, unsigned mo, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / std::chrono::day{d}};
}

}  // namespace support
