// sluice-bench-writes: the write paths and parallel scans, as ratios against hand-written C API
// code in the same run.
//   insert    insert_many vs a raw multi-row INSERT loop (libmariadb) / prepared insert loop (sqlite3)
//   rss       insert_many peak RSS for N and 4N input rows (flat: the input is never materialised)
//   remove    remove_in_batches of half the table vs one DELETE (and, on MariaDB, DELETE ... LIMIT loops)
//   parallel  parallel_for_each over k = 1, 2, 4 partitions of users_copy (MariaDB)
#include <mysql.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <ranges>
#include <sstream>

#include <sluice/sluice.hpp>

#include "bench.hpp"

namespace {

using bench::User;
using models::UsersCopy;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

UsersCopy copy_of(std::int64_t i) {
    const User u = bench::make_user(i);
    return UsersCopy{0, u.name, u.age, u.score, u.created_at, u.bio};
}
auto generated(std::int64_t n) { return std::views::iota(std::int64_t{0}, n) | std::views::transform(copy_of); }

double vm_hwm_mb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}
double vm_rss_mb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

void fresh_table(sluice::session& db) {
    db.drop_table<UsersCopy>();
    db.create_table<UsersCopy>();
}

// --- raw baselines ---------------------------------------------------------------------------

std::string format_time(sluice::datetime t) {
    char text[64];
    const auto us = t.time_since_epoch().count();
    const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<long long>(us % 1'000'000));
    return text;
}

// One prepared multi-row INSERT of `chunk` rows, bound from reused buffers, in one transaction.
double raw_mariadb_insert(const bench::mysql_target& t, std::int64_t rows, std::size_t chunk) {
    MYSQL* c = mysql_init(nullptr);
    mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(c, t.host.c_str(), t.user.c_str(), t.password.c_str(), t.database.c_str(), t.port, nullptr, 0))
        throw std::runtime_error(std::string("raw insert: ") + mysql_error(c));
    auto prepare = [&](std::size_t n) {
        std::string sql = "INSERT INTO users_copy (id, name, age, score, created_at, bio) VALUES ";
        for (std::size_t r = 0; r < n; ++r) sql += r ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
        MYSQL_STMT* s = mysql_stmt_init(c);
        if (mysql_stmt_prepare(s, sql.data(), sql.size())) throw std::runtime_error(std::string("raw insert: ") + mysql_stmt_error(s));
        return s;
    };
    const auto start = clock_type::now();
    mysql_query(c, "START TRANSACTION");
    MYSQL_STMT* full = prepare(chunk);
    std::vector<UsersCopy> rows_buf(chunk);
    std::vector<MYSQL_BIND> binds(chunk * 6);
    std::vector<MYSQL_TIME> times(chunk);
    std::vector<unsigned long> lengths(chunk * 6);
    std::vector<my_bool> nulls(chunk * 6);
    std::int64_t null_id = 0;
    for (std::int64_t done = 0; done < rows;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(chunk), rows - done));
        MYSQL_STMT* s = n == chunk ? full : prepare(n);
        for (std::size_t r = 0; r < n; ++r) {
            UsersCopy& u = rows_buf[r];
            u = copy_of(done + static_cast<std::int64_t>(r));
            MYSQL_BIND* b = &binds[r * 6];
            std::memset(b, 0, sizeof(MYSQL_BIND) * 6);
            nulls[r * 6] = 1;  // id: generated
            b[0].buffer_type = MYSQL_TYPE_LONGLONG, b[0].buffer = &null_id, b[0].is_null = &nulls[r * 6];
            lengths[r * 6 + 1] = u.name.size();
            b[1].buffer_type = MYSQL_TYPE_STRING, b[1].buffer = u.name.data(), b[1].length = &lengths[r * 6 + 1];
            b[2].buffer_type = MYSQL_TYPE_LONG, b[2].buffer = &u.age;
            b[3].buffer_type = MYSQL_TYPE_DOUBLE, b[3].buffer = &u.score;
            const auto us = u.created_at.time_since_epoch().count();
            const std::int64_t days = (us >= 0 ? us : us - 86'399'999'999) / 86'400'000'000;
            const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
            const std::int64_t in_day = us - days * 86'400'000'000;
            MYSQL_TIME& tm = times[r];
            tm = MYSQL_TIME{};
            tm.year = static_cast<unsigned>(static_cast<int>(ymd.year())), tm.month = static_cast<unsigned>(ymd.month()),
            tm.day = static_cast<unsigned>(ymd.day());
            tm.hour = static_cast<unsigned>(in_day / 3'600'000'000), tm.minute = static_cast<unsigned>(in_day / 60'000'000 % 60),
            tm.second = static_cast<unsigned>(in_day / 1'000'000 % 60), tm.second_part = static_cast<unsigned long>(in_day % 1'000'000);
            tm.time_type = MYSQL_TIMESTAMP_DATETIME;
            b[4].buffer_type = MYSQL_TYPE_DATETIME, b[4].buffer = &tm;
            nulls[r * 6 + 5] = u.bio ? 0 : 1;
            lengths[r * 6 + 5] = u.bio ? u.bio->size() : 0;
            b[5].buffer_type = MYSQL_TYPE_STRING, b[5].buffer = u.bio ? u.bio->data() : nullptr, b[5].length = &lengths[r * 6 + 5],
            b[5].is_null = &nulls[r * 6 + 5];
        }
        if (mysql_stmt_bind_param(s, binds.data()) || mysql_stmt_execute(s)) throw std::runtime_error(std::string("raw insert: ") + mysql_stmt_error(s));
        if (s != full) mysql_stmt_close(s);
        done += static_cast<std::int64_t>(n);
    }
    mysql_query(c, "COMMIT");
    const double secs = seconds_since(start);
    mysql_stmt_close(full);
    mysql_close(c);
    return secs;
}

// A prepared single-row INSERT stepped once per row, in one transaction: SQLite's fast path.
double raw_sqlite_insert(const std::string& path, std::int64_t rows) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO users_copy (name, age, score, created_at, bio) VALUES (?, ?, ?, ?, ?)", -1, &s, nullptr);
    const auto start = clock_type::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    UsersCopy u;
    for (std::int64_t i = 0; i < rows; ++i) {
        u = copy_of(i);
        const std::string at = format_time(u.created_at);
        sqlite3_bind_text(s, 1, u.name.data(), static_cast<int>(u.name.size()), SQLITE_STATIC);
        sqlite3_bind_int(s, 2, u.age);
        sqlite3_bind_double(s, 3, u.score);
        sqlite3_bind_text(s, 4, at.data(), static_cast<int>(at.size()), SQLITE_STATIC);
        if (u.bio) sqlite3_bind_text(s, 5, u.bio->data(), static_cast<int>(u.bio->size()), SQLITE_STATIC);
        else sqlite3_bind_null(s, 5);
        if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("raw sqlite insert: ") + sqlite3_errmsg(db));
        sqlite3_reset(s);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    const double secs = seconds_since(start);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return secs;
}

struct options {
    std::string backend = "both", mysql_url, sqlite_path = "build-bench/writes.db", out = "bench/results";
    std::int64_t rows = 1'000'000;
    std::vector<std::string> modes{"insert", "rss", "remove", "parallel"};
};

bool wants(const options& o, const std::string& m) { return std::find(o.modes.begin(), o.modes.end(), m) != o.modes.end(); }

void run_backend(const options& o, bool maria, std::ostream& md) {
    const std::string url = maria ? o.mysql_url : "sqlite:///" + o.sqlite_path;
    const std::string name = maria ? "MariaDB" : "SQLite";
    sluice::session db{url};
    md << "\n## " << name << "\n";
    std::int64_t n = o.rows;

    if (wants(o, "insert")) {
        fresh_table(db);
        auto start = clock_type::now();
        const std::uint64_t inserted = db.insert_many(generated(n));
        const double sluice_s = seconds_since(start);
        fresh_table(db);
        const double raw_s = maria ? raw_mariadb_insert(bench::parse_mysql_url(o.mysql_url), n, 1000) : raw_sqlite_insert(o.sqlite_path, n);
        const bool raw_ok = db.query<UsersCopy>().count() == static_cast<std::uint64_t>(n);
        md << "\n### insert " << n << " rows\n\n| method | s | rows/s | vs raw |\n|---|---:|---:|---:|\n";
        md << "| sluice insert_many (chunks of 1000, one transaction) | " << sluice_s << " | " << static_cast<long long>(static_cast<double>(inserted) / sluice_s) << " | " << sluice_s / raw_s << "x |\n";
        md << "| raw " << (maria ? "libmariadb prepared 1000-row INSERT, one transaction" : "sqlite3 prepared single-row INSERT loop, one transaction")
           << " | " << raw_s << " | " << static_cast<long long>(static_cast<double>(n) / raw_s) << " | 1.00x |\n";
        md << "\nRows written: sluice " << inserted << ", raw " << (raw_ok ? "all" : "MISMATCH") << ".\n";
        std::cout << name << " insert: sluice " << sluice_s << " s, raw " << raw_s << " s, ratio " << sluice_s / raw_s << "\n";
    }

    if (wants(o, "rss")) {
        md << "\n### insert_many peak RSS as the input grows\n\n| input rows | s | peak RSS growth MB |\n|---:|---:|---:|\n";
        for (std::int64_t rows : {n, 4 * n}) {
            fresh_table(db);
            reset_peak();
            const double before = vm_rss_mb();
            const auto start = clock_type::now();
            db.insert_many(generated(rows));
            md << "| " << rows << " | " << seconds_since(start) << " | " << vm_hwm_mb() - before << " |\n";
            std::cout << name << " rss: " << rows << " rows, +" << vm_hwm_mb() - before << " MB\n";
        }
    }

    if (wants(o, "remove")) {
        using sluice::col;
        md << "\n### delete half of " << n << " rows (age < 50)\n\n| method | s | statements | longest single transaction ms |\n|---|---:|---:|---:|\n";
        auto reload = [&] {
            fresh_table(db);
            db.insert_many(generated(n));
            if (maria) db.execute("ANALYZE TABLE users_copy");
        };
        reload();
        std::uint64_t batches = 0;
        double longest = 0, previous = 0;
        auto start = clock_type::now();
        const std::uint64_t removed = db.query<UsersCopy>().where(col(&UsersCopy::age) < 50).remove_in_batches(
            1000, {.on_batch = [&](const sluice::batch_progress& p) {
                const double now = std::chrono::duration<double, std::milli>(p.elapsed).count();
                longest = std::max(longest, now - previous);
                previous = now;
                ++batches;
            }});
        const double batched_s = seconds_since(start);
        md << "| remove_in_batches(1000) | " << batched_s << " | " << batches << " batches | " << longest << " |\n";
        reload();
        start = clock_type::now();
        const std::uint64_t removed_once = db.query<UsersCopy>().where(col(&UsersCopy::age) < 50).remove();
        const double once_s = seconds_since(start);
        md << "| one DELETE | " << once_s << " | 1 | " << once_s * 1000 << " |\n";
        if (maria) {
            reload();
            std::uint64_t loops = 0, gone = 0;
            double loop_longest = 0;
            start = clock_type::now();
            for (;;) {
                const auto t = clock_type::now();
                const std::uint64_t k = db.execute("DELETE FROM users_copy WHERE age < 50 ORDER BY id LIMIT 1000");
                loop_longest = std::max(loop_longest, seconds_since(t) * 1000);
                ++loops;
                gone += k;
                if (k < 1000) break;
            }
            md << "| DELETE ... ORDER BY id LIMIT 1000 loop (autocommit) | " << seconds_since(start) << " | " << loops << " | " << loop_longest << " |\n";
            if (gone != removed) md << "\nDELETE LIMIT loop removed " << gone << " rows, remove_in_batches " << removed << ".\n";
        }
        md << "\nRows removed: remove_in_batches " << removed << ", one DELETE " << removed_once << (removed == removed_once ? " (equal)" : " (DIFFER)") << ".\n";
        std::cout << name << " remove: batched " << batched_s << " s (longest " << longest << " ms), one DELETE " << once_s << " s\n";
    }

    if (maria && wants(o, "parallel")) {
        fresh_table(db);
        db.insert_many(generated(n));
        if (maria) db.execute("ANALYZE TABLE users_copy");
        const std::uint64_t total = db.query<UsersCopy>().count();
        md << "\n### parallel_for_each over " << total << " rows, 1000 rows a page\n\n"
           << "| parts k | s | speedup vs k=1 | rows seen |\n|---:|---:|---:|---:|\n";
        double base = 0;
        for (std::size_t k : {1u, 2u, 4u}) {
            sluice::pool pool(url, k);
            std::atomic<std::uint64_t> seen{0}, id_sum{0};
            const auto parts = db.query<UsersCopy>().partitions(k);  // probing is planning: not timed
            const auto start = clock_type::now();
            sluice::parallel_for_each(pool, parts, 1000, [&](const UsersCopy& u) {
                seen.fetch_add(1, std::memory_order_relaxed);
                id_sum.fetch_add(static_cast<std::uint64_t>(u.id) + u.name.size(), std::memory_order_relaxed);
            });
            const double secs = seconds_since(start);
            if (k == 1) base = secs;
            md << "| " << k << " | " << secs << " | " << base / secs << "x | " << seen.load() << (seen.load() == total ? "" : " MISMATCH")
               << " |\n";
            std::cout << name << " parallel k=" << k << ": " << secs << " s, " << seen.load() << " rows\n";
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    if (const char* env = std::getenv("SLUICE_TEST_MYSQL_URL")) o.mysql_url = env;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--backend") o.backend = v;
        else if (a == "--rows") o.rows = std::stoll(v);
        else if (a == "--mysql-url") o.mysql_url = v;
        else if (a == "--sqlite-path") o.sqlite_path = v;
        else if (a == "--out") o.out = v;
        else if (a == "--modes") {
            o.modes.clear();
            std::stringstream list(v);
            for (std::string m; std::getline(list, m, ',');) o.modes.push_back(m);
        } else {
            std::cerr << "usage: sluice-bench-writes [--backend sqlite|mariadb|both] [--rows N] [--mysql-url URL] "
                         "[--sqlite-path P] [--out DIR] [--modes insert,rss,remove,parallel]\n";
            return 2;
        }
    }
    try {
        std::ostringstream md;
        md << "# sluice-bench-writes: " << o.rows << " rows\n\nRelease build; times in seconds; ratios against the raw C API in the same run.\n";
        if (o.backend != "mariadb") run_backend(o, false, md);
        if (o.backend != "sqlite") run_backend(o, true, md);
        const std::string path = o.out + "/writes-" + std::to_string(o.rows) + ".md";
        std::ofstream(path) << md.str();
        std::cout << "wrote " << path << "\n";
    } catch (const std::exception& e) {
        std::cerr << "sluice-bench-writes: " << e.what() << "\n";
        return 1;
    }
}
