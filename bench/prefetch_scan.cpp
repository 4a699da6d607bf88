// sluice-bench-prefetch: issue 16's figures: yield_per/batches with prefetch on and off against the server-only evaluation and a raw keyset loop.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <sluice/sluice.hpp>

#include "bench.hpp"
#include "ensure_table.hpp"
#include "program.hpp"
#include "report.hpp"

namespace {

using bench::checksum;
using bench::fmt;
using bench::User;
using clock_type = std::chrono::steady_clock;
constexpr std::size_t page_rows = bench::page_rows;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

// The CPU-bound body: `rounds` FNV-1a passes over the name, calibrated at run time so that the
// body alone over the table's rows in memory takes about as long as a trivial scan. Its result
// goes to `sink`, so the loop cannot be dropped.
unsigned rounds = 0;
std::uint64_t sink = 0;
[[gnu::noinline]] void body(const User& u) {
    std::uint64_t h = 1469598103934665603ULL ^ static_cast<std::uint64_t>(u.id);
    for (unsigned r = 0; r < rounds; ++r)
        for (const char c : u.name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    sink += h;
}

using timing = bench::timed_side<checksum>;

checksum yield_scan(sluice::session& db, bool prefetch, bool with_body) {
    checksum cs;
    for (const User& u : db.query<User>().prefetch(prefetch).yield_per(page_rows)) {
        cs.add(u);
        if (with_body) body(u);
    }
    return cs;
}

// batches(1000) whose body writes one row per page into users_copy on the same session.
checksum batches_with_write(sluice::session& db, bool prefetch) {
    checksum cs;
    for (std::span<const User> page : db.query<User>().prefetch(prefetch).batches(page_rows)) {
        for (const User& u : page) cs.add(u);
        const User& first = page.front();
        models::UsersCopy row{first.id, first.name, first.age, first.score, first.created_at, first.bio};
        db.insert(row);
    }
    return cs;
}

bool run_backend(const bench::program_options& o, bool maria, std::ostream& md) {
    const std::string name = maria ? "MariaDB" : "SQLite";
    const std::string url = maria ? o.mysql_url : "sqlite:///" + o.sqlite_path;
    std::fprintf(stderr, "== %s, %llu rows of users\n", name.c_str(), static_cast<unsigned long long>(o.rows));
    sluice::session db{url};
    const std::string version = maria ? "MariaDB server " + db.scalar("SELECT VERSION()").value_or("?") : "SQLite";
    const std::string load = bench::ensure_table<User>(db, o.rows, bench::make_user);
    db.drop_table<models::UsersCopy>();
    db.create_table<models::UsersCopy>();
    const std::string clear_copy = maria ? "TRUNCATE TABLE users_copy" : "DELETE FROM users_copy";

    // 1. Every column as a number, summed by the server: nothing is sent but one value.
    const std::string server_sql = maria
        ? "SELECT SUM(id + LENGTH(name) + age + score + UNIX_TIMESTAMP(created_at) + COALESCE(LENGTH(bio), 0)) FROM users"
        : "SELECT SUM(id + LENGTH(name) + age + score + CAST(strftime('%s', created_at) AS INTEGER) + COALESCE(LENGTH(bio), 0)) FROM users";
    bench::method raw = maria ? bench::raw_mariadb_keyset(bench::parse_mysql_url(o.mysql_url)) : bench::raw_sqlite_keyset(o.sqlite_path);
    bench::method raw_body = maria ? bench::raw_mariadb_keyset(bench::parse_mysql_url(o.mysql_url), body)
                                   : bench::raw_sqlite_keyset(o.sqlite_path, body);
    raw.setup();
    raw_body.setup();
    const std::string load_before = bench::loadavg();
    (void)raw.run();  // warm the buffer pool / page cache, untimed

    // Calibration: the trivial scan's time (raw keyset, best of two) against 64 rounds over the rows in memory.
    double scan_secs = 1e9;
    for (int i = 0; i < 2; ++i) {
        const auto t0 = clock_type::now();
        (void)raw.run();
        scan_secs = std::min(scan_secs, seconds_since(t0));
    }
    std::vector<User> rows;
    rows.reserve(o.rows);
    for (const User& u : db.query<User>().yield_per(page_rows)) rows.push_back(u);
    rounds = 64;
    auto t0 = clock_type::now();
    for (const User& u : rows) body(u);
    const double secs64 = seconds_since(t0);
    rounds = std::max(1u, static_cast<unsigned>(64 * scan_secs / secs64 + 0.5));
    std::fprintf(stderr, "  calibration: scan %.3f s, 64 rounds %.3f s -> %u rounds\n", scan_secs, secs64, rounds);

    timing server{"server only: `SELECT SUM(<every column as a number>) FROM users`"}, on{"`yield_per(1000)`, prefetch on (default)"},
        off{"`yield_per(1000).prefetch(false)`"}, rk{"raw keyset loop"}, b_on{"`yield_per(1000)` + body, prefetch on"},
        b_off{"`yield_per(1000).prefetch(false)` + body"}, b_rk{"raw keyset loop + body"}, b_alone{"body alone over the rows in memory"},
        w_on{"`batches(1000)` + one INSERT per page, prefetch on"}, w_off{"`batches(1000).prefetch(false)` + one INSERT per page"};
    std::string server_value;
    for (int rep = 0; rep < o.repeat; ++rep) {
        t0 = clock_type::now();
        server_value = db.scalar(server_sql).value_or("NULL");
        server.seconds.push_back(seconds_since(t0));
        const auto timed = [](timing& t, const auto& scan) {
            const auto start = clock_type::now();
            const checksum c = scan();
            t.record(seconds_since(start), c);
        };
        timed(on, [&] { return yield_scan(db, true, false); });
        timed(off, [&] { return yield_scan(db, false, false); });
        timed(rk, raw.run);
        timed(b_on, [&] { return yield_scan(db, true, true); });
        timed(b_off, [&] { return yield_scan(db, false, true); });
        timed(b_rk, raw_body.run);
        timed(b_alone, [&] {
            checksum c;
            for (const User& u : rows) c.add(u), body(u);
            return c;
        });
        db.execute(clear_copy);
        timed(w_on, [&] { return batches_with_write(db, true); });
        db.execute(clear_copy);
        timed(w_off, [&] { return batches_with_write(db, false); });
        std::fprintf(stderr, "  run %d/%d  server %.3f  on %.3f  off %.3f  raw %.3f | body: on %.3f  off %.3f  raw %.3f  alone %.3f | write: on %.3f  off %.3f\n",
                     rep + 1, o.repeat, server.seconds.back(), on.seconds.back(), off.seconds.back(), rk.seconds.back(), b_on.seconds.back(),
                     b_off.seconds.back(), b_rk.seconds.back(), b_alone.seconds.back(), w_on.seconds.back(), w_off.seconds.back());
    }
    const std::string load_after = bench::loadavg();
    const std::string copied = db.scalar("SELECT COUNT(*) FROM users_copy").value_or("?");
    raw.teardown();
    raw_body.teardown();

    bool same = true;
    for (const timing* t : {&on, &off, &rk, &b_on, &b_off, &b_rk, &b_alone, &w_on, &w_off})
        same = same && t->consistent && t->sum && *t->sum == *on.sum && t->sum->rows == o.rows;
    const double empty_scan = std::max(on.median(), off.median());
    md << "\n## " << name << "\n\n" << version << ". " << load << " Body: " << rounds << " FNV-1a rounds over the name per row (calibrated: raw keyset scan "
       << fmt("%.3f", scan_secs) << " s, 64 rounds over the rows in memory " << fmt("%.3f", secs64) << " s).\n\n";
    md << "| what | median s | best s | vs server only | vs prefetch off | wall / max(scan, body alone) |\n|---|---:|---:|---:|---:|---:|\n";
    auto row = [&](const timing& t, const timing* off_side, double base) {
        md << "| " << t.label << " | " << fmt("%.3f", t.median()) << " | " << fmt("%.3f", t.best()) << " | " << fmt("%.2fx", t.median() / server.median())
           << " | " << (off_side ? fmt("%.2fx", t.median() / off_side->median()) : "") << " | " << (base > 0 ? fmt("%.2fx", t.median() / base) : "") << " |\n";
    };
    row(server, nullptr, 0);
    row(on, &off, 0);
    row(off, nullptr, 0);
    row(rk, &off, 0);
    const double body_base = std::max(b_alone.median(), empty_scan);
    md << "| *CPU-bound body* | | | | | |\n";
    row(b_alone, nullptr, 0);
    row(b_on, &b_off, body_base);
    row(b_off, nullptr, body_base);
    row(b_rk, &b_off, body_base);
    md << "| *one write per page* | | | | | |\n";
    row(w_on, &w_off, 0);
    row(w_off, nullptr, 0);
    md << "\n\"vs prefetch off\": against the prefetch(false) row of the same group. \"scan\" in the last column is the slower of the two trivial "
          "yield_per scans ("
       << fmt("%.3f", empty_scan) << " s). Server-only result " << server_value << "; users_copy holds " << copied
       << " rows after the last run. Checksums " << (same ? "equal" : "DIFFER") << " across all scans (" << on.sum->rows << " rows).\n";
    md << "\nLoad average (1, 5, 15 min) before " << load_before << ", after " << load_after << ".\n";
    std::cout << name << ": server " << fmt("%.3f", server.median()) << " s, yield_per on " << fmt("%.3f", on.median()) << " / off "
              << fmt("%.3f", off.median()) << " / raw " << fmt("%.3f", rk.median()) << "; body on " << fmt("%.3f", b_on.median()) << " / off "
              << fmt("%.3f", b_off.median()) << " / raw " << fmt("%.3f", b_rk.median()) << " / alone " << fmt("%.3f", b_alone.median())
              << "; write on " << fmt("%.3f", w_on.median()) << " / off " << fmt("%.3f", w_off.median()) << " (sink " << (sink & 0xff) << ")\n";
    return same;
}

}  // namespace

int main(int argc, char** argv) {
    bench::program_options o;
    o.sqlite_path = "build-bench/bench.db";
    if (!bench::parse_program_options(argc, argv, o,
                                      "usage: sluice-bench-prefetch [--backend sqlite|mariadb|both] [--rows N (1000000)] [--repeat K (3)] "
                                      "[--mysql-url URL] [--sqlite-path P] [--out DIR]"))
        return 2;
    std::ostringstream header;
    header << "# sluice-bench-prefetch: " << o.rows << " rows\n\n" << bench::run_stamp()
           << ". Issue 16: yield_per/batches with prefetch on (the default on MariaDB outside a transaction) and off, in one run, "
           << o.repeat << (o.repeat == 1 ? " timed round" : " timed rounds") << " of every measurement in turn after one untimed raw scan; "
                          "**seconds = median**, ratios of medians. On SQLite prefetch is off either way (the on/off rows are the same code path).\n";
    return bench::run_program("sluice-bench-prefetch", o, header.str(), "prefetch-" + std::to_string(o.rows) + ".md",
                              [&](bool maria, std::ostream& md) { return run_backend(o, maria, md); });
}
