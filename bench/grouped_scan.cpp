// sluice-bench-grouped: a GROUP BY of 1M rows into 10,000 groups, as sluice's yield_per(500) pages
// and all(), against the one statement fetched by hand (libmariadb prepared, sqlite3 stepped).
#include <malloc.h>
#include <mysql.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <ranges>
#include <sstream>
#include <stdexcept>

#include "ensure_table.hpp"
#include "memory.hpp"
#include "program.hpp"
#include "raw_mariadb.hpp"
#include "raw_sqlite.hpp"
#include "report.hpp"
#include "sales.hpp"

namespace bench {

Sale make_sale(std::int64_t i) {
    const std::uint64_t h = mix(static_cast<std::uint64_t>(i));
    Sale s;
    s.id = i + 1;
    s.store = static_cast<std::int64_t>((h >> 32) % static_cast<std::uint64_t>(store_count));
    s.amount = sluice::decimal::from_unscaled(static_cast<std::int64_t>(h % 1'500'000) - 50'000, 2);
    s.units = static_cast<std::int32_t>(1 + (h >> 24) % 50);
    return s;
}

}  // namespace bench

namespace {

using bench::group_checksum;
using bench::Sale;
using bench::StoreTotal;
using clock_type = std::chrono::steady_clock;

// What both sides run: sluice adds the key again after the items (its page cursor) and, per page,
// "WHERE store > ?" and "LIMIT ?"; the plan is the same.
constexpr char group_sql[] = "SELECT store, SUM(amount), COUNT(*), MAX(units) FROM bench_sales GROUP BY store ORDER BY store";

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

auto store_totals(sluice::session& db) {
    return db.query<Sale>()
        .group_by(&Sale::store)
        .select<StoreTotal>(&Sale::store, sluice::sum(&Sale::amount), sluice::count(), sluice::max(&Sale::units));
}

// --- raw libmariadb ------------------------------------------------------------------------------

// group_sql prepared once; executed and fetched unbuffered (no mysql_stmt_store_result) into bound
// buffers, the sum as the server's exact DECIMAL text.
struct raw_mariadb : bench::mysql_statement {
    MYSQL_BIND result[4]{};
    long long store = 0;
    char amount[72];
    unsigned long amount_length = 0;
    long long sales = 0;
    int max_units = 0;

    void open(const bench::mysql_target& t) {
        bench::mysql_statement::open(t, group_sql);
        result[0].buffer_type = MYSQL_TYPE_LONGLONG;
        result[0].buffer = &store;
        result[1].buffer_type = MYSQL_TYPE_NEWDECIMAL;
        result[1].buffer = amount;
        result[1].buffer_length = sizeof amount;
        result[1].length = &amount_length;
        result[2].buffer_type = MYSQL_TYPE_LONGLONG;
        result[2].buffer = &sales;
        result[3].buffer_type = MYSQL_TYPE_LONG;
        result[3].buffer = &max_units;
        if (mysql_stmt_bind_result(stmt, result) != 0) fail("bind_result");
    }
    group_checksum run() {
        if (mysql_stmt_execute(stmt) != 0) fail("execute");
        group_checksum cs;
        StoreTotal row;
        for (;;) {
            const int rc = mysql_stmt_fetch(stmt);
            if (rc == MYSQL_NO_DATA) break;
            if (rc != 0) fail(rc == MYSQL_DATA_TRUNCATED ? "fetch: a value longer than its buffer" : "fetch");
            row.store = store;
            if (!sluice::decimal::parse(std::string_view(amount, amount_length), row.amount))
                throw std::runtime_error("raw libmariadb: bad decimal " + std::string(amount, amount_length));
            row.sales = sales;
            row.max_units = max_units;
            cs.add(row);
        }
        mysql_stmt_free_result(stmt);
        return cs;
    }
};

// --- raw sqlite3 ---------------------------------------------------------------------------------

// group_sql stepped to the end. SQLite's SUM of DECIMAL(9,2) values (REAL, or INTEGER when whole)
// is a double; rounded to cents it is exact here (a group's sum stays far below 2^53 cents).
struct raw_sqlite : bench::sqlite_statement {
    void open(const std::string& path) { bench::sqlite_statement::open(path, group_sql); }
    group_checksum run() {
        group_checksum cs;
        StoreTotal row;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            row.store = sqlite3_column_int64(stmt, 0);
            row.amount = sluice::decimal::from_unscaled(std::llround(sqlite3_column_double(stmt, 1) * 100), 2);
            row.sales = sqlite3_column_int64(stmt, 2);
            row.max_units = sqlite3_column_int(stmt, 3);
            cs.add(row);
        }
        if (rc != SQLITE_DONE) fail("step");
        sqlite3_reset(stmt);
        return cs;
    }
};

// --- running -------------------------------------------------------------------------------------

struct method_runs {
    method_runs(std::string l, std::function<group_checksum()> r) : label(std::move(l)), run(std::move(r)) {}
    std::string label;
    std::function<group_checksum()> run;
    std::vector<double> seconds;
    std::optional<group_checksum> sum;
    bool consistent = true;
    long growth_kb = 0;  // max over runs of peak RSS during the run minus RSS before it

    double median() const { return bench::median_of(seconds); }
    double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
    void time_once() {
        malloc_trim(0);  // what earlier runs freed goes back to the system first
        const long before = bench::rss_kb();
        bench::reset_hwm();
        const auto t0 = clock_type::now();
        const group_checksum cs = run();
        seconds.push_back(seconds_since(t0));
        growth_kb = std::max(growth_kb, bench::hwm_kb() - before);
        if (sum && !(*sum == cs)) consistent = false;
        if (!sum) sum = cs;
    }
};

struct options : bench::program_options {
    std::size_t page = 500;
};

// The plan of one statement as the backend explains it, a line per row of EXPLAIN.
std::string explain(sluice::session& db, bool maria, const std::string& sql, const std::vector<std::string>& values) {
    std::vector<sluice::value_ref> bound;
    std::vector<std::int64_t> numbers(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string& v = values[i];
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), numbers[i]);
        if (ec == std::errc{} && end == v.data() + v.size()) bound.emplace_back(numbers[i]);
        else bound.emplace_back(std::string_view(v));
    }
    std::string out = sql + "\n  -- values:";
    for (const std::string& v : values) out += " " + v;
    out += "\n";
    for (const sluice::raw_row& r : db.rows((maria ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql, std::span<const sluice::value_ref>(bound))) {
        out += "  ";
        for (const auto& cell : r) out += (cell ? *cell : std::string("NULL")) + " | ";
        out += "\n";
    }
    return out;
}

bool run_backend(const options& o, bool maria, std::ostream& md, std::optional<group_checksum>& reference) {
    const std::string name = maria ? "MariaDB" : "SQLite";
    const std::string url = maria ? o.mysql_url : "sqlite:///" + o.sqlite_path;
    std::fprintf(stderr, "== %s, %llu rows of bench_sales\n", name.c_str(), static_cast<unsigned long long>(o.rows));
    sluice::session pages_db{url}, all_db{url};
    const std::string version = maria ? "MariaDB server " + pages_db.scalar("SELECT VERSION()").value_or("?") + ", libmariadb " +
                                            mysql_get_client_info()
                                      : std::string("SQLite ") + sqlite3_libversion();
    const std::string load = bench::ensure_table<Sale>(pages_db, o.rows, bench::make_sale);
    raw_mariadb maria_raw;
    raw_sqlite lite_raw;
    if (maria) maria_raw.open(bench::parse_mysql_url(o.mysql_url));
    else lite_raw.open(o.sqlite_path);

    // Page k's time: from the first group of page k - 1 to the first of page k, i.e. its fetch
    // (plus the trivial folding of the page before); page 0 from the start of the scan.
    std::vector<std::vector<double>> page_ms;
    method_runs pages{"sluice `group_by(store).select<StoreTotal>(store, sum(amount), count(), max(units)).yield_per(" +
                          std::to_string(o.page) + ")`",
                      [&] {
                          group_checksum cs;
                          std::vector<double>& ms = page_ms.emplace_back();
                          auto mark = clock_type::now();
                          std::size_t i = 0;
                          for (const StoreTotal& t : store_totals(pages_db).yield_per(o.page)) {
                              if (i++ % o.page == 0) {
                                  const auto now = clock_type::now();
                                  ms.push_back(std::chrono::duration<double, std::milli>(now - mark).count());
                                  mark = now;
                              }
                              cs.add(t);
                          }
                          return cs;
                      }};
    method_runs all{"sluice `...select<StoreTotal>(...).all()` (one statement, a std::vector of every group)", [&] {
                        group_checksum cs;
                        for (const StoreTotal& t : store_totals(all_db).all()) cs.add(t);
                        return cs;
                    }};
    method_runs raw{maria ? "raw libmariadb: the GROUP BY prepared, unbuffered `mysql_stmt_fetch` into StoreTotal (SUM as NEWDECIMAL text)"
                          : "raw sqlite3: the GROUP BY stepped into StoreTotal (SUM as a double rounded to cents)",
                    [&] { return maria ? maria_raw.run() : lite_raw.run(); }};

    const std::string load_before = bench::loadavg();
    (void)raw.run();  // warm the buffer pool / page cache, untimed
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (method_runs* m : {&pages, &all, &raw}) m->time_once();
        std::fprintf(stderr, "  run %d/%d  yield_per %.3f s  all %.3f s  raw %.3f s\n", rep + 1, o.repeat, pages.seconds.back(),
                     all.seconds.back(), raw.seconds.back());
    }
    const std::string load_after = bench::loadavg();
    if (maria) maria_raw.close();
    else lite_raw.close();

    // The plans: a middle page as sluice sent it (caught by on_statement), and the one statement.
    std::vector<std::pair<std::string, std::vector<std::string>>> statements;
    pages_db.on_statement([&](const sluice::statement_event& e) {
        if (e.sql.find("GROUP BY") != std::string_view::npos) statements.emplace_back(e.sql, std::vector<std::string>(e.values.begin(), e.values.end()));
    });
    for (const StoreTotal& t : store_totals(pages_db).yield_per(o.page)) (void)t;
    pages_db.on_statement(nullptr);
    std::string plans;
    if (!statements.empty()) {
        const auto& [sql, values] = statements[statements.size() / 2];
        plans = explain(pages_db, maria, sql, values) + explain(pages_db, maria, group_sql, {});
    }

    std::vector<double> per_page;  // median over runs, per page
    for (std::size_t p = 0; p < page_ms.front().size(); ++p) {
        std::vector<double> v;
        for (const auto& run : page_ms)
            if (p < run.size()) v.push_back(run[p]);
        per_page.push_back(bench::median_of(v));
    }
    const bool same = pages.sum && all.sum && raw.sum && *pages.sum == *raw.sum && *all.sum == *raw.sum && pages.consistent &&
                      all.consistent && raw.consistent && raw.sum->sales == o.rows;
    md << "\n## " << name << "\n\n" << version << ". " << load << "\n\n";
    md << "| method | median s | best s | groups/s | vs raw one statement | vs sluice all() | peak RSS growth MB |\n"
          "|---|---:|---:|---:|---:|---:|---:|\n";
    for (const method_runs* m : {&pages, &all, &raw})
        md << "| " << m->label << " | " << bench::fmt("%.3f", m->median()) << " | " << bench::fmt("%.3f", m->best()) << " | "
           << static_cast<long long>(static_cast<double>(m->sum->groups) / m->median()) << " | " << bench::fmt("%.2fx", m->median() / raw.median())
           << " | " << bench::fmt("%.2fx", m->median() / all.median()) << " | " << bench::fmt("%.1f", static_cast<double>(m->growth_kb) / 1024)
           << " |\n";
    const std::size_t last = per_page.size() - 1;
    md << "\nyield_per(" << o.page << ") pages (" << per_page.size() << ", median over runs): first " << bench::fmt("%.1f", per_page[0])
       << " ms, middle " << bench::fmt("%.1f", per_page[last / 2]) << " ms, last " << bench::fmt("%.1f", per_page[last])
       << " ms (last / first " << bench::fmt("%.2fx", per_page[last] / per_page[0]) << "). Every page:";
    for (double ms : per_page) md << " " << bench::fmt("%.1f", ms);
    md << ".\n";
    const group_checksum& c = *raw.sum;
    md << "\nChecksums " << (same ? "equal" : "DIFFER") << ": groups " << c.groups << ", sum of counts " << c.sales
       << ", sum of the SUM(amount)s " << c.amount.to_string() << ", sum of MAX(units) " << c.max_units << ", key term " << c.keys << ".\n";
    if (!same)
        for (const method_runs* m : {&pages, &all})
            md << "- " << m->label << ": groups " << m->sum->groups << ", counts " << m->sum->sales << ", amounts "
               << m->sum->amount.to_string() << ", max " << m->sum->max_units << ", keys " << m->sum->keys
               << (m->consistent ? "" : " (not the same on every run)") << "\n";
    md << "\nLoad average (1, 5, 15 min) before " << load_before << ", after " << load_after << ".\n";
    if (!plans.empty()) md << "\nPlans (" << (maria ? "EXPLAIN" : "EXPLAIN QUERY PLAN") << "): a middle page, then the one statement:\n\n```\n" << plans << "```\n";
    std::cout << name << ": yield_per(" << o.page << ") " << bench::fmt("%.3f", pages.median()) << " s, all() " << bench::fmt("%.3f", all.median())
              << " s, raw " << bench::fmt("%.3f", raw.median()) << " s, yield_per / raw " << bench::fmt("%.2fx", pages.median() / raw.median())
              << ", checksums " << (same ? "equal" : "DIFFER") << "\n";
    return bench::same_as_other_backend(reference, c, md) && same;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    o.sqlite_path = "build-bench/sales.db";
    if (!bench::parse_program_options(argc, argv, o,
                                      "usage: sluice-bench-grouped [--backend sqlite|mariadb|both] [--rows N (1000000)] [--page N (500)] "
                                      "[--repeat K (3)] [--mysql-url URL] [--sqlite-path P] [--out DIR]",
                                      [&](const std::string& flag, const std::string& v) {
                                          if (flag != "--page" || v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return false;
                                          o.page = std::stoull(v);
                                          return o.page > 0;
                                      }))
        return 2;
    const bool clear_refs = bench::clear_refs_works();
    std::ostringstream header;
    header << "# sluice-bench-grouped: " << o.rows << " rows, " << bench::store_count << " groups\n\n" << bench::run_stamp()
           << ". `bench_sales` (bench/sales.hpp): id BIGINT primary key, store BIGINT (indexed; the group key, about "
           << o.rows / bench::store_count << " rows each, scattered), amount DECIMAL(9,2), units INT. `SUM(amount), COUNT(*), "
              "MAX(units)` per store, every group; the three methods round-robin, "
           << o.repeat << (o.repeat == 1 ? " timed run" : " timed runs") << " each after one untimed raw run; **seconds = median**, ratios of medians. "
           << "Peak RSS growth: VmHWM during the run minus VmRSS before it, max over runs"
           << (clear_refs ? "" : " (NOT MEASURED: /proc/self/clear_refs does not reset VmHWM here)")
           << "; the server's memory is not counted. Checksum: groups, the sum of the counts, the sum of the decimal sums (exact), "
              "the sum of the maxima, the keys weighted by position.\n";
    std::optional<group_checksum> reference;
    return bench::run_program("sluice-bench-grouped", o, header.str(), "grouped-" + std::to_string(o.rows) + ".md",
                              [&](bool maria, std::ostream& md) { return run_backend(o, maria, md, reference); });
}
