// sluice-bench: shared pieces of the benchmark program (see bench/README.md).
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/models.hpp"

namespace bench {

using models::User;

// Every scan folds each row it reads into one of these; all methods over the same table must
// agree. `sum` covers id, age, name and bio lengths, score (to 1/100) and created_at to the
// second; `micros` the microsecond part of created_at, which SOCI's std::tm cannot carry.
struct checksum {
    std::uint64_t rows = 0;
    std::uint64_t sum = 0;
    std::uint64_t micros = 0;

    void add(const User& u) noexcept {
        using namespace std::chrono;
        const auto us = u.created_at.time_since_epoch().count();
        const auto secs = us / 1'000'000;
        sum += static_cast<std::uint64_t>(u.id) * 31 + static_cast<std::uint64_t>(u.age) + u.name.size() +
               (u.bio ? u.bio->size() + 1 : 0) + static_cast<std::uint64_t>(secs) +
               static_cast<std::uint64_t>(std::llround(u.score * 100));
        micros += static_cast<std::uint64_t>(us % 1'000'000);
        ++rows;
    }
    bool operator==(const checksum&) const = default;
};

// mariadb://user:password@host:port/db (also mysql://), parsed for the raw clients and SOCI.
struct mysql_target {
    std::string user, password, host = "127.0.0.1", database;
    unsigned port = 3306;
};
mysql_target parse_mysql_url(std::string_view url);

// 'YYYY-MM-DD HH:MM:SS[.ffffff]' -> microseconds since the epoch; false if malformed.
bool parse_datetime_text(const char* s, std::size_t n, sluice::datetime& out) noexcept;
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// One way of reading the whole table. setup() opens connections (not measured); run() is
// one timed full scan; teardown() closes what setup opened.
struct method {
    std::string key;    // yield_per, batches, stream, raw_stream, raw_stmt_stream, raw_keyset, soci
    std::string label;  // for the tables
    bool has_micros = true;  // false: created_at arrives truncated to seconds
    std::function<void()> setup;
    std::function<checksum()> run;
    std::function<void()> teardown;
};

inline constexpr std::size_t page_rows = 1000;

// Every column of users in models::User's order: the raw scans add their WHERE / ORDER BY, the
// stream<> comparison runs it as it is on both sides.
inline constexpr char users_select[] = "SELECT id, name, age, score, created_at, bio FROM users";

// sluice, any backend (url is a sluice URL).
method sluice_yield_per(std::string url);
method sluice_batches(std::string url);
method sluice_stream(std::string url);       // db.stream<User>(users_select)
// Raw libmariadb.
method raw_mariadb_stream(mysql_target t);   // text protocol, mysql_use_result
// A keyset method's per-row work besides the checksum (the prefetch bench's CPU-bound body).
using row_hook = void (*)(const User&);
method raw_mariadb_keyset(mysql_target t, row_hook body = nullptr);   // prepared statement, WHERE id > ? LIMIT 1000
method raw_mariadb_stmt_stream(mysql_target t);  // users_select prepared, unbuffered mysql_stmt_fetch
// Raw sqlite3.
method raw_sqlite_keyset(std::string path, row_hook body = nullptr);  // prepared once, bind/step/reset per page
method raw_sqlite_stream(std::string path);  // one SELECT ... ORDER BY id stepped to the end
method raw_sqlite_stmt_stream(std::string path);  // users_select stepped to the end
// SOCI rowset<row>.
method soci_mysql_rowset(mysql_target t);
method soci_sqlite_rowset(std::string path);

std::string libmariadb_version();
std::string sqlite_version();
std::string soci_version();

// splitmix64: a cheap, well-mixed hash of the row number, so every run makes the same data.
constexpr std::uint64_t mix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Test data: deterministic, realistic rows; user i has id i + 1.
User make_user(std::int64_t i);

// Page latency of an order_by(age) scan: keyset (yield_per + on_batch) and OFFSET pages.
struct latency_result {
    std::vector<double> keyset_ms;             // per page, median over passes
    std::vector<std::uint64_t> keyset_page_sum;  // checksum.sum of each page (first pass)
    std::vector<std::int32_t> keyset_page_age;   // age of each page's first row
    checksum keyset_total;
    std::vector<std::pair<std::size_t, double>> offset_ms;  // sampled pages
    std::vector<std::pair<std::size_t, std::uint64_t>> offset_page_sum;
    std::size_t offset_mismatches = 0;         // OFFSET pages whose rows differ from keyset's
    int passes = 0;
};

}  // namespace bench
