// sluice-bench-decimal: a yield_per(1000) scan of a VARCHAR(64)-keyed table with DECIMAL columns
// against hand-written libmariadb / sqlite3 keyset loops over the same pages, in one run.
#include <mysql.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <ranges>
#include <sstream>
#include <stdexcept>

#include "bench.hpp"
#include "ensure_table.hpp"
#include "ledger.hpp"
#include "program.hpp"
#include "raw_mariadb.hpp"
#include "raw_sqlite.hpp"
#include "report.hpp"

namespace bench {

Ledger make_ledger(std::int64_t i) {
    static constexpr std::string_view tail = "northwind-ledger-branch-office";
    const std::uint64_t h = mix(static_cast<std::uint64_t>(i));
    Ledger l;
    char key[64];
    const int n = std::snprintf(key, sizeof key, "acct-%09lld-", static_cast<long long>(i));
    l.account.assign(key, static_cast<std::size_t>(n));
    l.account.append(tail.substr(0, static_cast<std::size_t>(i % 31)));
    l.balance = sluice::decimal::from_unscaled(static_cast<std::int64_t>(h % 199'999'999'999ULL) - 99'999'999'999LL, balance_scale);
    l.rate = sluice::decimal::from_unscaled(static_cast<std::int64_t>((h >> 20) % 1'999'999'999ULL) - 999'999'999LL, rate_scale);
    l.owner = i % 10007;
    return l;
}

}  // namespace bench

namespace {

using bench::Ledger;
using bench::ledger_checksum;
using clock_type = std::chrono::steady_clock;
constexpr std::size_t page_rows = bench::page_rows;
constexpr char select_columns[] = "SELECT account, balance, rate, owner FROM bench_ledger";

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

std::string int128_text(sluice::int128_t v) { return sluice::decimal::from_unscaled(v, 0).to_string(); }

// --- sluice --------------------------------------------------------------------------------------

ledger_checksum sluice_scan(sluice::session& db) {
    ledger_checksum cs;
    for (const Ledger& l : db.query<Ledger>().yield_per(page_rows)) {
        // Both columns arrive at their declared scale; unscaled() is then the exact integer.
        if (l.balance.scale() != bench::balance_scale || l.rate.scale() != bench::rate_scale)
            throw std::runtime_error("sluice: decimal at an unexpected scale: " + l.balance.to_string() + ", " + l.rate.to_string());
        cs.add(l.account, l.balance.unscaled(), l.rate.unscaled(), l.owner);
    }
    return cs;
}

// --- raw libmariadb ------------------------------------------------------------------------------

// "-12345.67" at a known scale -> -1234567; what a careful user writes for a DECIMAL that the
// server sends as exact text (always with all `scale` fraction digits).
bool parse_fixed(const char* s, unsigned long n, int scale, std::int64_t& out) noexcept {
    const char* end = s + n;
    const bool negative = s != end && *s == '-';
    if (negative) ++s;
    std::int64_t v = 0;
    const char* p = s;
    while (p != end && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    if (p == s) return false;
    int frac = 0;
    if (p != end && *p == '.') {
        ++p;
        while (p != end && *p >= '0' && *p <= '9' && frac < scale) v = v * 10 + (*p++ - '0'), ++frac;
    }
    if (p != end) return false;
    for (; frac < scale; ++frac) v *= 10;
    out = negative ? -v : v;
    return true;
}

// What the raw loops read a row into: the key as a std::string, the DECIMALs as exact integers
// of their scale (a C++ program without a decimal type keeps money as integer cents).
struct raw_row {
    std::string account;
};

struct raw_mariadb : bench::mysql_statement {
    MYSQL_BIND param{};
    MYSQL_BIND result[4]{};
    char last_key[256];  // VARCHAR(64) of utf8mb4: at most 256 bytes
    unsigned long last_key_length = 0;
    char account[256];
    unsigned long account_length = 0;
    char balance[72];  // DECIMAL digits as text (MYSQL_TYPE_NEWDECIMAL)
    unsigned long balance_length = 0;
    char rate[72];
    unsigned long rate_length = 0;
    long long owner = 0;


    void open(const bench::mysql_target& t) {
        bench::mysql_statement::open(t, std::string(select_columns) + " WHERE account > ? ORDER BY account LIMIT " + std::to_string(page_rows));
        param.buffer_type = MYSQL_TYPE_STRING;
        param.buffer = last_key;
        param.buffer_length = sizeof last_key;
        param.length = &last_key_length;
        result[0].buffer_type = MYSQL_TYPE_STRING;
        result[0].buffer = account;
        result[0].buffer_length = sizeof account;
        result[0].length = &account_length;
        result[1].buffer_type = MYSQL_TYPE_NEWDECIMAL;
        result[1].buffer = balance;
        result[1].buffer_length = sizeof balance;
        result[1].length = &balance_length;
        result[2].buffer_type = MYSQL_TYPE_NEWDECIMAL;
        result[2].buffer = rate;
        result[2].buffer_length = sizeof rate;
        result[2].length = &rate_length;
        result[3].buffer_type = MYSQL_TYPE_LONGLONG;
        result[3].buffer = &owner;
        if (mysql_stmt_bind_param(stmt, &param) != 0) fail("bind_param");
        if (mysql_stmt_bind_result(stmt, result) != 0) fail("bind_result");
    }

    // Keyset pages: WHERE account > <last key of the previous page>, from '' (no key is empty).
    ledger_checksum scan() {
        ledger_checksum cs;
        raw_row row;
        last_key_length = 0;
        for (;;) {
            if (mysql_stmt_execute(stmt) != 0) fail("execute");
            std::size_t rows = 0;
            for (;;) {
                const int rc = mysql_stmt_fetch(stmt);
                if (rc == MYSQL_NO_DATA) break;
                if (rc != 0) fail(rc == MYSQL_DATA_TRUNCATED ? "fetch: a value longer than its buffer" : "fetch");
                std::int64_t cents = 0, units = 0;
                if (!parse_fixed(balance, balance_length, bench::balance_scale, cents) ||
                    !parse_fixed(rate, rate_length, bench::rate_scale, units))
                    throw std::runtime_error("raw libmariadb: bad decimal " + std::string(balance, balance_length));
                // Into the caller's own row, as the users bench's raw loops fill a User (the
                // string's capacity is reused from row to row).
                row.account.assign(account, account_length);
                cs.add(row.account, cents, units, owner);
                ++rows;
            }
            mysql_stmt_free_result(stmt);
            if (rows > 0) {
                std::memcpy(last_key, account, account_length);
                last_key_length = account_length;
            }
            if (rows < page_rows) break;
        }
        return cs;
    }
};

// --- raw sqlite3 ---------------------------------------------------------------------------------

struct raw_sqlite : bench::sqlite_statement {
    std::string last_key;

    void open(const std::string& path) {
        bench::sqlite_statement::open(path, std::string(select_columns) + " WHERE account > ?1 ORDER BY account LIMIT " +
                                         std::to_string(page_rows));
    }

    // SQLite keeps a DECIMAL column as INTEGER (whole values) or REAL (NUMERIC affinity): read the
    // double and round at the column's scale, exact while |value| * 10^scale stays below 2^53.
    ledger_checksum scan() {
        ledger_checksum cs;
        raw_row row;
        last_key.clear();
        for (;;) {
            sqlite3_bind_text(stmt, 1, last_key.data(), static_cast<int>(last_key.size()), SQLITE_TRANSIENT);
            std::size_t rows = 0;
            int rc;
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                const auto* acct = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                const auto acct_size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0));
                const std::int64_t cents = std::llround(sqlite3_column_double(stmt, 1) * 100);
                const std::int64_t units = std::llround(sqlite3_column_double(stmt, 2) * 1'000'000);
                row.account.assign(acct, acct_size);
                cs.add(row.account, cents, units, sqlite3_column_int64(stmt, 3));
                ++rows;
                if (rows == page_rows) last_key.assign(acct, acct_size);
            }
            if (rc != SQLITE_DONE) fail("step");
            sqlite3_reset(stmt);
            if (rows < page_rows) break;
        }
        return cs;
    }
};

// --- running -------------------------------------------------------------------------------------

using side = bench::timed_side<ledger_checksum>;

using options = bench::program_options;

using bench::fmt;
using bench::loadavg;

bool run_backend(const options& o, bool maria, std::ostream& md, std::optional<ledger_checksum>& reference) {
    const std::string name = maria ? "MariaDB" : "SQLite";
    const std::string url = maria ? o.mysql_url : "sqlite:///" + o.sqlite_path;
    std::fprintf(stderr, "== %s, %llu rows of bench_ledger\n", name.c_str(), static_cast<unsigned long long>(o.rows));
    sluice::session db{url};
    const std::string version = maria ? "MariaDB server " + db.scalar("SELECT VERSION()").value_or("?") + ", libmariadb " + mysql_get_client_info()
                                      : std::string("SQLite ") + sqlite3_libversion();
    const std::string load = bench::ensure_table<Ledger>(db, o.rows, bench::make_ledger);
    raw_mariadb maria_raw;
    raw_sqlite lite_raw;
    if (maria) maria_raw.open(bench::parse_mysql_url(o.mysql_url));
    else lite_raw.open(o.sqlite_path);
    auto raw_scan = [&] { return maria ? maria_raw.scan() : lite_raw.scan(); };
    side sl, raw;
    sl.label = "sluice `query<Ledger>().yield_per(1000)`";
    raw.label = maria ? "raw libmariadb: prepared `WHERE account > ? ORDER BY account LIMIT 1000`, DECIMALs bound as MYSQL_TYPE_NEWDECIMAL text, "
                     "parsed to integer units by hand"
                   : "raw sqlite3: prepared `WHERE account > ?1 ORDER BY account LIMIT 1000` once, bind/step/reset; DECIMALs as "
                     "`sqlite3_column_double` rounded at the scale";
    const std::string load_before = loadavg();
    (void)raw_scan();  // warm the buffer pool / page cache, untimed
    for (int rep = 0; rep < o.repeat; ++rep) {
        auto t0 = clock_type::now();
        ledger_checksum a = sluice_scan(db);
        sl.record(seconds_since(t0), a);
        t0 = clock_type::now();
        ledger_checksum b = raw_scan();
        raw.record(seconds_since(t0), b);
        std::fprintf(stderr, "  run %d/%d  sluice %.3f s  raw %.3f s\n", rep + 1, o.repeat, sl.seconds.back(), raw.seconds.back());
    }
    const std::string load_after = loadavg();
    if (maria) maria_raw.close();
    else lite_raw.close();

    const bool same = sl.sum && raw.sum && *sl.sum == *raw.sum && sl.consistent && raw.consistent && sl.sum->rows == o.rows;
    const double ratio = sl.median() / raw.median();
    md << "\n## " << name << "\n\n" << version << ". " << load << "\n\n";
    md << "| method | median s | best s | rows/s | vs raw |\n|---|---:|---:|---:|---:|\n";
    for (const side* s : {&sl, &raw})
        md << "| " << s->label << " | " << fmt("%.3f", s->median()) << " | " << fmt("%.3f", s->best()) << " | "
           << static_cast<long long>(static_cast<double>(o.rows) / s->median()) << " | " << fmt("%.2fx", s->median() / raw.median()) << " |\n";
    const ledger_checksum& c = *sl.sum;
    md << "\nChecksums " << (same ? "equal" : "DIFFER") << ": rows " << c.rows << ", sum of balances " << int128_text(c.cents)
       << " cents (" << sluice::decimal::from_unscaled(c.cents, bench::balance_scale).to_string() << "), sum of rates "
       << int128_text(c.rate_units) << " millionths, sum of owners " << c.owners << ", account term " << c.account << ".\n";
    if (!same && raw.sum)
        md << "Raw side: rows " << raw.sum->rows << ", cents " << int128_text(raw.sum->cents) << ", millionths " << int128_text(raw.sum->rate_units)
           << ", owners " << raw.sum->owners << ", account " << raw.sum->account << " vs " << c.account << ".\n";
    md << "\nLoad average (1, 5, 15 min) before " << load_before << ", after " << load_after << ".\n";
    std::cout << name << ": sluice yield_per " << fmt("%.3f", sl.median()) << " s, raw keyset " << fmt("%.3f", raw.median()) << " s, ratio "
              << fmt("%.2fx", ratio) << ", " << o.rows << " rows, checksums " << (same ? "equal" : "DIFFER") << "\n";
    return bench::same_as_other_backend(reference, c, md) && same;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    o.sqlite_path = "build-bench/ledger.db";
    if (!bench::parse_program_options(argc, argv, o,
                                      "usage: sluice-bench-decimal [--backend sqlite|mariadb|both] [--rows N (1000000)] [--repeat K (3)] "
                                      "[--mysql-url URL] [--sqlite-path P] [--out DIR]"))
        return 2;
    std::ostringstream header;
    header << "# sluice-bench-decimal: " << o.rows << " rows\n\n" << bench::run_stamp() << ". `bench_ledger` (bench/ledger.hpp): account VARCHAR(64) primary key, balance DECIMAL(15,2), rate DECIMAL(9,6), "
              "owner BIGINT. Full scan, sluice and the raw loop alternating, "
           << o.repeat << (o.repeat == 1 ? " timed run" : " timed runs") << " each after one untimed raw scan; **seconds = median**; the ratio is of medians. "
                          "Checksum: row count, sums of balance in cents and rate in millionths as exact integers, owners, "
                          "account lengths and last bytes weighted by position (so the same order).\n";
    std::optional<ledger_checksum> reference;
    return bench::run_program("sluice-bench-decimal", o, header.str(), "decimal-" + std::to_string(o.rows) + ".md",
                              [&](bool maria, std::ostream& md) { return run_backend(o, maria, md, reference); });
}
