// sluice-bench: yield_per/batches/stream<> full scans against hand-written libmariadb and sqlite3
// loops and SOCI, peak memory per method, and page latency of keyset versus OFFSET pagination.
// Usage: see usage() below, or bench/README.md.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <sluice/sluice.hpp>

#include "bench.hpp"
#include "memory.hpp"
#include "report.hpp"
#include "sluice_side.hpp"

namespace fs = std::filesystem;
using namespace bench;

namespace {

// --- command line ------------------------------------------------------------------------------

struct options {
    std::string backend = "both";
    std::uint64_t rows = 1'000'000;
    std::string mysql_url;
    std::string sqlite_path = "build-bench/bench.db";
    std::string out = ".";
    int repeat = 3;
    std::vector<std::string> methods{"yield_per", "batches", "stream", "raw_stream", "raw_stmt_stream", "raw_keyset", "soci"};
    bool latency = true;
    int keyset_passes = 3;
    std::size_t offset_window = 5;    // OFFSET pages timed around the start, middle and end
    std::size_t offset_samples = 50;  // plus this many spread over the table, for the plot
    std::string rss_mode = "auto";
    std::uint64_t load_chunk = 1'000'000;
};

[[noreturn]] void usage(int code) {
    std::fprintf(code ? stderr : stdout, R"(usage: sluice-bench [options]
  --backend sqlite|mariadb|both   (both)
  --rows N                        rows in the users table (1000000)
  --mysql-url URL                 mariadb://user:pw@host:port/db (env SLUICE_TEST_MYSQL_URL)
  --sqlite-path PATH              (build-bench/bench.db)
  --out DIR                       results-<rows>.md, page latency CSV and PNG, summary CSV (.)
  --repeat K                      timed runs of each scan; the median is reported (3)
  --methods LIST                  comma list of yield_per,batches,stream,raw_stream,raw_stmt_stream,
                                  raw_keyset,soci (all)
  --no-latency                    skip the page-latency scans
  --keyset-passes K               order_by(age) keyset scans; per-page median (3)
  --offset-window N               OFFSET pages timed at each of start/middle/end (5)
  --offset-samples N              further OFFSET pages spread over the table (50)
  --rss-mode auto|clear_refs|fork how peak RSS is measured (auto: clear_refs if it works)
  --load-chunk N                  rows per insert_many call when generating (1000000)
)");
    std::exit(code);
}

options parse_args(int argc, char** argv) {
    options o;
    if (const char* url = std::getenv("SLUICE_TEST_MYSQL_URL")) o.mysql_url = url;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "sluice-bench: %s needs a value\n", a.c_str());
                usage(2);
            }
            return argv[++i];
        };
        auto number = [&](const std::string& v) {
            try {
                return std::stoull(v);
            } catch (const std::exception&) {
                std::fprintf(stderr, "sluice-bench: %s: not a number: %s\n", a.c_str(), v.c_str());
                usage(2);
            }
        };
        if (a == "--backend") o.backend = next();
        else if (a == "--rows") o.rows = number(next());
        else if (a == "--mysql-url") o.mysql_url = next();
        else if (a == "--sqlite-path") o.sqlite_path = next();
        else if (a == "--out") o.out = next();
        else if (a == "--repeat") o.repeat = static_cast<int>(number(next()));
        else if (a == "--methods") {
            o.methods.clear();
            std::stringstream list(next());
            for (std::string m; std::getline(list, m, ',');) o.methods.push_back(m);
        } else if (a == "--no-latency") o.latency = false;
        else if (a == "--keyset-passes") o.keyset_passes = static_cast<int>(number(next()));
        else if (a == "--offset-window") o.offset_window = number(next());
        else if (a == "--offset-samples") o.offset_samples = number(next());
        else if (a == "--rss-mode") o.rss_mode = next();
        else if (a == "--load-chunk") o.load_chunk = std::max<std::uint64_t>(1, number(next()));
        else if (a == "--help" || a == "-h") usage(0);
        else {
            std::fprintf(stderr, "sluice-bench: unknown option %s\n", a.c_str());
            usage(2);
        }
    }
    if (o.backend != "sqlite" && o.backend != "mariadb" && o.backend != "both") usage(2);
    if (o.rss_mode != "auto" && o.rss_mode != "clear_refs" && o.rss_mode != "fork") usage(2);
    const std::vector<std::string> known{"yield_per", "batches", "stream", "raw_stream", "raw_stmt_stream", "raw_keyset", "soci"};
    for (const std::string& m : o.methods)
        if (std::find(known.begin(), known.end(), m) == known.end()) {
            std::fprintf(stderr, "sluice-bench: unknown method %s\n", m.c_str());
            usage(2);
        }
    if (o.repeat < 1 || o.rows == 0) usage(2);
    return o;
}

// --- running methods ---------------------------------------------------------------------------

struct method_result {
    method m;
    std::vector<double> seconds;
    std::optional<checksum> sum;
    bool consistent = true;  // every run gave the same checksum
    long growth_kb = 0;      // max over runs of (peak RSS during the scan - RSS before it)
    long hwm_kb = 0;         // max over runs of the absolute peak
    std::string error;

    double median() const { return seconds.empty() ? 0 : median_of(seconds); }
    double best() const { return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end()); }
};

void record(method_result& r, double secs, const checksum& cs, long growth, long hwm) {
    r.seconds.push_back(secs);
    if (r.sum && (r.sum->rows != cs.rows || r.sum->sum != cs.sum || r.sum->micros != cs.micros)) r.consistent = false;
    if (!r.sum) r.sum = cs;
    r.growth_kb = std::max(r.growth_kb, growth);
    r.hwm_kb = std::max(r.hwm_kb, hwm);
}

void run_in_process(method_result& r) {
    malloc_trim(0);  // freed memory of earlier scans goes back to the system first
    const long before = rss_kb();
    reset_hwm();
    const auto t0 = std::chrono::steady_clock::now();
    const checksum cs = r.m.run();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long peak = hwm_kb();
    record(r, secs, cs, peak - before, peak);
}

// The fallback when clear_refs does not reset VmHWM: the scan runs in a child, whose own peak
// wait4 reports.
void run_in_child(method_result& r) {
    struct message {
        double secs;
        checksum cs;
        long before_kb;
        char error[512];
    };
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(fds[0]);
        message msg{};
        try {
            r.m.setup();
            malloc_trim(0);
            msg.before_kb = rss_kb();
            const auto t0 = std::chrono::steady_clock::now();
            msg.cs = r.m.run();
            msg.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        } catch (const std::exception& e) {
            std::snprintf(msg.error, sizeof msg.error, "%s", e.what());
        }
        const ssize_t written = write(fds[1], &msg, sizeof msg);
        _exit(written == static_cast<ssize_t>(sizeof msg) ? 0 : 1);
    }
    close(fds[1]);
    message msg{};
    std::size_t got = 0;
    while (got < sizeof msg) {
        const ssize_t n = read(fds[0], reinterpret_cast<char*>(&msg) + got, sizeof msg - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (got != sizeof msg) throw std::runtime_error("the child running " + r.m.key + " died");
    if (msg.error[0]) throw std::runtime_error(msg.error);
    record(r, msg.secs, msg.cs, usage.ru_maxrss - msg.before_kb, usage.ru_maxrss);
}

// Round-robin over the methods, `repeat` times, so slow drift hits every method alike.
void run_methods(std::vector<method_result>& results, int repeat, bool fork_mode) {
    if (!fork_mode)
        for (auto& r : results) {
            try {
                r.m.setup();
            } catch (const std::exception& e) {
                r.error = e.what();
            }
        }
    for (int rep = 0; rep < repeat; ++rep) {
        for (auto& r : results) {
            if (!r.error.empty()) continue;
            std::fprintf(stderr, "  run %d/%d %-11s ", rep + 1, repeat, r.m.key.c_str());
            try {
                fork_mode ? run_in_child(r) : run_in_process(r);
                std::fprintf(stderr, "%7.3f s  peak +%.1f MB\n", r.seconds.back(), static_cast<double>(r.growth_kb) / 1024);
            } catch (const std::exception& e) {
                r.error = e.what();
                std::fprintf(stderr, "failed: %s\n", e.what());
            }
        }
    }
    if (!fork_mode)
        for (auto& r : results) {
            try {
                r.m.teardown();
            } catch (const std::exception&) {
            }
        }
}

// --- formatting --------------------------------------------------------------------------------

std::string mb(long kb) { return fmt("%.1f", static_cast<double>(kb) / 1024); }
std::string with_commas(std::uint64_t n) {
    // Built front to back: inserting into the digits trips GCC 12's -O3 -Wrestrict false positive.
    const std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

struct window {
    const char* name;
    std::size_t first, last;  // [first, last)
};

std::vector<window> windows(std::size_t pages, std::size_t width) {
    width = std::max<std::size_t>(1, std::min(width, pages));
    const std::size_t mid = pages / 2 >= width / 2 ? pages / 2 - width / 2 : 0;
    return {{"start", 0, width}, {"middle", mid, std::min(pages, mid + width)}, {"end", pages - width, pages}};
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// --- one backend -------------------------------------------------------------------------------

struct backend_report {
    std::string name;        // "MariaDB" / "SQLite"
    std::string key;         // "mariadb" / "sqlite"
    std::string server;      // version line
    std::optional<checksum> reference;
    bool ok = true;
    std::string markdown;
    std::vector<std::string> summary_csv;
};

backend_report run_backend(const std::string& key, const options& o, const std::string& rss_mode) {
    backend_report rep;
    rep.key = key;
    const bool maria = key == "mariadb";
    rep.name = maria ? "MariaDB" : "SQLite";
    std::string url;
    mysql_target target;
    std::string sqlite_path;
    if (maria) {
        if (o.mysql_url.empty()) throw std::runtime_error("no MariaDB URL: pass --mysql-url or set SLUICE_TEST_MYSQL_URL");
        url = o.mysql_url;
        target = parse_mysql_url(url);
    } else {
        sqlite_path = o.sqlite_path;
        if (const fs::path dir = fs::path(sqlite_path).parent_path(); !dir.empty()) fs::create_directories(dir);
        url = "sqlite:///" + sqlite_path;
    }
    std::fprintf(stderr, "== %s, %s rows\n", rep.name.c_str(), with_commas(o.rows).c_str());
    std::ostringstream md;
    const std::string load_before = loadavg();

    // Data.
    load_result load;
    {
        sluice::session db(url);
        rep.server = maria ? "MariaDB server " + db.scalar("SELECT VERSION()").value_or("?") + ", libmariadb " + libmariadb_version()
                           : "SQLite " + sqlite_version() + " (" + sqlite_path + ")";
        load = ensure_users(db, o.rows, o.load_chunk);
    }
    md << "## " << rep.name << "\n\n" << rep.server << ".\n\n";
    if (load.generated) {
        md << "Table generated with `insert_many` (chunked multi-row INSERT): " << with_commas(o.rows) << " rows in "
           << fmt("%.1f", load.insert_seconds) << " s (" << with_commas(static_cast<std::uint64_t>(static_cast<double>(o.rows) / load.insert_seconds))
           << " rows/s)";
        if (maria) md << ", then `ANALYZE TABLE users` " << fmt("%.1f", load.analyze_seconds) << " s";
        md << ".\n\n";
    } else {
        md << "Table reused: it already had exactly " << with_commas(o.rows) << " rows.\n\n";
    }

    // Methods.
    std::vector<method_result> results;
    for (const std::string& m : o.methods) {
        method_result r;
        if (m == "yield_per") r.m = sluice_yield_per(url);
        else if (m == "batches") r.m = sluice_batches(url);
        else if (m == "stream") r.m = sluice_stream(url);
        else if (m == "raw_stmt_stream") r.m = maria ? raw_mariadb_stmt_stream(target) : raw_sqlite_stmt_stream(sqlite_path);
        else if (m == "raw_stream") r.m = maria ? raw_mariadb_stream(target) : raw_sqlite_stream(sqlite_path);
        else if (m == "raw_keyset") r.m = maria ? raw_mariadb_keyset(target) : raw_sqlite_keyset(sqlite_path);
        else if (m == "soci") r.m = maria ? soci_mysql_rowset(target) : soci_sqlite_rowset(sqlite_path);
        results.push_back(std::move(r));
    }
    {
        // Warm the buffer pool / page cache once, untimed.
        method warm = maria ? raw_mariadb_stream(target) : raw_sqlite_stream(sqlite_path);
        std::fprintf(stderr, "  warm-up scan\n");
        warm.setup();
        (void)warm.run();
        warm.teardown();
    }
    run_methods(results, o.repeat, rss_mode == "fork");
    const std::string load_after = loadavg();

    auto find = [&](const std::string& k) -> const method_result* {
        for (const auto& r : results)
            if (r.m.key == k && r.error.empty() && !r.seconds.empty()) return &r;
        return nullptr;
    };
    // The reference checksum: the raw stream's, else the first method's.
    for (const auto& r : results)
        if (r.sum && r.error.empty() && (!rep.reference || r.m.key == "raw_stream") && r.m.has_micros) rep.reference = r.sum;
    auto checksum_ok = [&](const method_result& r) {
        if (!r.sum || !rep.reference || !r.consistent) return false;
        return r.sum->rows == o.rows && r.sum->rows == rep.reference->rows && r.sum->sum == rep.reference->sum &&
               (!r.m.has_micros || r.sum->micros == rep.reference->micros);
    };

    std::vector<std::pair<std::string, std::string>> baselines =
        maria ? std::vector<std::pair<std::string, std::string>>{{"raw_stream", "vs raw use_result stream"}, {"raw_keyset", "vs raw keyset"}}
              : std::vector<std::pair<std::string, std::string>>{{"raw_keyset", "vs raw keyset"}, {"raw_stream", "vs raw single SELECT"}};
    // stream<>'s own baseline, the same SQL by hand; a column only when it ran, so older method
    // lists keep their tables.
    if (std::find(o.methods.begin(), o.methods.end(), "raw_stmt_stream") != o.methods.end())
        baselines.emplace_back("raw_stmt_stream", maria ? "vs raw prepared stream" : "vs raw same-SQL SELECT");
    md << "Full scan of `users` into `models::User`, " << o.repeat << " timed run" << (o.repeat > 1 ? "s" : "")
       << " of each method (round-robin); **seconds = median**, best also shown; ratios are of medians. "
       << "Peak RSS growth = peak RSS during the scan minus RSS just before it (max over runs); VmHWM = absolute peak.\n\n";
    md << "| method | median s | best s | rows/s | ";
    for (const auto& b : baselines) md << b.second << " | ";
    md << "peak RSS growth MB | VmHWM MB | checksum |\n|---|---:|---:|---:|";
    for (std::size_t i = 0; i < baselines.size(); ++i) md << "---:|";
    md << "---:|---:|---|\n";
    for (const auto& r : results) {
        md << "| " << r.m.label << " | ";
        if (!r.error.empty() || r.seconds.empty()) {
            md << "failed: " << r.error;
            for (std::size_t i = 0; i < baselines.size() + 6; ++i) md << " |";  // the empty cells after it
            md << "\n";
            rep.ok = false;
            continue;
        }
        const double med = r.median();
        md << fmt("%.3f", med) << " | " << fmt("%.3f", r.best()) << " | " << with_commas(static_cast<std::uint64_t>(static_cast<double>(o.rows) / med)) << " | ";
        for (const auto& [b, label] : baselines) {
            (void)label;
            const method_result* base = find(b);
            md << (base ? fmt("%.2fx", med / base->median()) : std::string("-")) << " | ";
        }
        const bool ok = checksum_ok(r);
        if (!ok) rep.ok = false;
        md << mb(r.growth_kb) << " | " << mb(r.hwm_kb) << " | " << (ok ? "ok" : "MISMATCH")
           << (r.m.has_micros ? "" : " (µs not compared: std::tm)") << " |\n";
        rep.summary_csv.push_back(key + "," + r.m.key + "," + fmt("%.4f", med) + "," + fmt("%.4f", r.best()) + "," +
                                  std::to_string(r.growth_kb) + "," + std::to_string(r.hwm_kb) + "," + (ok ? "ok" : "mismatch"));
    }
    md << "\nLoad average (1, 5, 15 min) before the scans " << load_before << ", after " << load_after
       << " (2 CPUs: the client and the server share them; other work on the machine shows here).\n";
    if (rep.reference)
        md << "\nChecksum (rows " << rep.reference->rows << ", sum " << rep.reference->sum << ", µs " << rep.reference->micros << ").\n";

    // Targets.
    md << "\nTargets:\n\n";
    auto ratio_line = [&](const std::string& who, const std::string& base, const char* base_name, double target = 1.15) {
        const method_result* a = find(who);
        const method_result* b = find(base);
        if (!a || !b) return;
        const double x = a->median() / b->median();
        md << "- " << who << " / " << base_name << " = " << fmt("%.2fx", x) << " (target <= " << fmt("%.2fx", target)
           << "): " << (x <= target ? "**met**" : "**missed**") << "\n";
    };
    auto rss_line = [&](const std::string& who, const std::string& base, const char* base_name) {
        const method_result* a = find(who);
        const method_result* b = find(base);
        if (!a || !b) return;
        const long d = a->growth_kb - b->growth_kb;
        md << "- peak RSS growth " << who << " - " << base_name << " = " << mb(d) << " MB (target <= 8 MB): " << (d <= 8 * 1024 ? "**met**" : "**missed**") << "\n";
    };
    if (maria) {
        ratio_line("yield_per", "raw_stream", "raw use_result stream");
        ratio_line("yield_per", "raw_keyset", "raw keyset");
        ratio_line("batches", "raw_stream", "raw use_result stream");
        rss_line("yield_per", "raw_stream", "raw stream");
        rss_line("yield_per", "raw_keyset", "raw keyset");
        ratio_line("stream", "raw_stmt_stream", "raw prepared stream", 1.10);
        rss_line("stream", "raw_stmt_stream", "raw prepared stream");
    } else {
        ratio_line("yield_per", "raw_keyset", "raw keyset");
        ratio_line("batches", "raw_keyset", "raw keyset");
        ratio_line("yield_per", "raw_stream", "raw single SELECT");
        rss_line("yield_per", "raw_keyset", "raw keyset");
        rss_line("yield_per", "raw_stream", "raw single SELECT");
        ratio_line("stream", "raw_stmt_stream", "raw same-SQL SELECT", 1.10);
        rss_line("stream", "raw_stmt_stream", "raw same-SQL SELECT");
    }

    // Page latency: a failure here (a server restarted under us, say) keeps the scan results.
    if (o.latency) try {
        std::fprintf(stderr, "  page latency, order_by(age)\n");
        const std::size_t pages = static_cast<std::size_t>((o.rows + page_rows - 1) / page_rows);
        latency_plan plan;
        plan.keyset_passes = o.keyset_passes;
        std::vector<std::size_t> sample;
        if (o.offset_window > 0)
            for (const window& w : windows(pages, o.offset_window))
                for (std::size_t p = w.first; p < w.last; ++p) sample.push_back(p);
        if (o.offset_samples > 0) {
            const std::size_t step = std::max<std::size_t>(1, pages / o.offset_samples);
            for (std::size_t p = step; p < pages; p += step) sample.push_back(p);
        }
        std::sort(sample.begin(), sample.end());
        sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
        plan.offset_pages = sample;
        latency_result lat;
        {
            sluice::session db(url);
            lat = measure_latency(db, o.rows, plan);
        }
        const bool keyset_ok = rep.reference && lat.keyset_total.rows == rep.reference->rows && lat.keyset_total.sum == rep.reference->sum;
        if (!keyset_ok || lat.offset_mismatches) rep.ok = false;

        const std::size_t w = std::max<std::size_t>(1, o.offset_window ? o.offset_window : 5);
        md << "\n### Page latency, `order_by(&User::age)` (100 distinct ages: ties everywhere), " << page_rows << " rows a page\n\n";
        md << "Keyset = `yield_per(1000)`, per-page time from consecutive `on_batch` calls, median of " << lat.passes
           << " scan" << (lat.passes > 1 ? "s" : "") << " per page; OFFSET = `order_by(&User::age).limit(1000).offset(k*1000).all()`, "
           << lat.offset_ms.size() << " sampled pages. Each point = median of the " << w << " pages there.\n\n";
        md << "| pagination | start ms | middle ms | end ms | end / start |\n|---|---:|---:|---:|---:|\n";
        const auto wins = windows(lat.keyset_ms.size(), w);
        std::vector<double> ks, os;
        for (const window& win : wins) {
            ks.push_back(median_of(std::vector<double>(lat.keyset_ms.begin() + static_cast<std::ptrdiff_t>(win.first),
                                                      lat.keyset_ms.begin() + static_cast<std::ptrdiff_t>(win.last))));
            std::vector<double> v;
            for (const auto& [p, ms] : lat.offset_ms)
                if (p >= win.first && p < win.last) v.push_back(ms);
            os.push_back(median_of(v));
        }
        md << "| keyset (yield_per) | " << fmt("%.2f", ks[0]) << " | " << fmt("%.2f", ks[1]) << " | " << fmt("%.2f", ks[2]) << " | "
           << fmt("%.2fx", ks[2] / ks[0]) << " |\n";
        if (!lat.offset_ms.empty())
            md << "| LIMIT/OFFSET | " << fmt("%.2f", os[0]) << " | " << fmt("%.2f", os[1]) << " | " << fmt("%.2f", os[2]) << " | "
               << fmt("%.2fx", os[2] / os[0]) << " |\n";
        {
            std::vector<double> all = lat.keyset_ms;
            std::sort(all.begin(), all.end());
            md << "\nKeyset pages: " << all.size() << ", total " << fmt("%.2f", std::accumulate(all.begin(), all.end(), 0.0) / 1000)
               << " s; per page min " << fmt("%.2f", all.front()) << " / median " << fmt("%.2f", median_of(all)) << " / p99 "
               << fmt("%.2f", all[all.size() * 99 / 100]) << " / max " << fmt("%.2f", all.back()) << " ms. ";
            // Pages by how deep they start inside a run of equal ages: flat pages do not care.
            const auto& age = lat.keyset_page_age;
            if (age.size() == lat.keyset_ms.size() && age.size() > 2) {
                std::vector<double> first_in_run, last_in_run;
                for (std::size_t i = 1; i + 1 < age.size(); ++i) {
                    if (age[i] != age[i - 1]) first_in_run.push_back(lat.keyset_ms[i]);
                    if (age[i + 1] != age[i] && age[i] == age[i - 1]) last_in_run.push_back(lat.keyset_ms[i]);
                }
                if (!first_in_run.empty() && !last_in_run.empty())
                    md << "Inside a run of equal ages (about " << with_commas(o.rows / 100) << " rows each): pages that begin a new age "
                       << fmt("%.2f", median_of(first_in_run)) << " ms, the last page of each age " << fmt("%.2f", median_of(last_in_run))
                       << " ms (medians). ";
            }
            md << "Every row seen once (checksum of the keyset scan " << (keyset_ok ? "matches" : "DOES NOT MATCH")
               << " the full scan); OFFSET pages equal to the keyset pages: " << lat.offset_ms.size() - lat.offset_mismatches << "/"
               << lat.offset_ms.size() << ".\n";
        }
        // CSV and plot.
        const std::string suffix = key + (o.rows == 1'000'000 ? std::string() : "_" + std::to_string(o.rows));
        const fs::path csv = fs::path(o.out) / ("page_latency_" + suffix + ".csv");
        {
            std::ofstream f(csv);
            f << "page_index,keyset_ms,offset_ms,first_age\n";
            std::map<std::size_t, double> off(lat.offset_ms.begin(), lat.offset_ms.end());
            for (std::size_t i = 0; i < lat.keyset_ms.size(); ++i) {
                f << i << ',' << fmt("%.4f", lat.keyset_ms[i]) << ',';
                if (auto it = off.find(i); it != off.end()) f << fmt("%.4f", it->second);
                f << ',';
                if (i < lat.keyset_page_age.size()) f << lat.keyset_page_age[i];
                f << '\n';
            }
        }
        md << "\nPer-page data: `" << csv.filename().string() << "`";
        if (have_gnuplot()) {
            const fs::path png = fs::path(o.out) / ("page_latency_" + suffix + ".png");
            const bool cairo = std::system("gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1") == 0;
            const std::string cmd = "gnuplot";
            if (FILE* gp = popen(cmd.c_str(), "w")) {
                std::fprintf(gp, "set terminal %s noenhanced size 1100,650%s\n", cairo ? "pngcairo" : "png", cairo ? " font 'sans,11'" : "");
                std::fprintf(gp, "set output %s\n", shell_quote(png.string()).c_str());
                std::fprintf(gp, "set title \"%s, %s rows: time per page of 1000, order by age (indexed, 100 values), id\"\n",
                             rep.name.c_str(), with_commas(o.rows).c_str());
                std::fprintf(gp, "set xlabel 'page index'\nset ylabel 'ms per page (log scale)'\nset logscale y\nset grid\n");
                std::fprintf(gp, "set key top left\nset datafile separator ','\n");
                std::fprintf(gp,
                             "plot %s using 1:2 skip 1 with lines lw 1 lc rgb '#1f77b4' title 'keyset: yield_per(1000)', "
                             "'' using 1:3 skip 1 with linespoints pt 7 ps 0.7 lc rgb '#d62728' title 'LIMIT 1000 OFFSET k*1000 (sampled pages)'\n",
                             shell_quote(csv.string()).c_str());
                const int rc = pclose(gp);
                md << ", plot: `" << png.filename().string() << "`" << (rc == 0 ? "" : " (gnuplot failed)");
            }
        } else {
            md << " (gnuplot not on PATH: no plot)";
        }
        md << ".\n";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "  page latency failed: %s\n", e.what());
        md << "\nPage latency failed: " << e.what() << "\n";
        rep.ok = false;
    }
    rep.markdown = md.str();
    return rep;
}

std::string read_first_line(const char* path, const char* prefix) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) {
            const std::size_t colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    return "?";
}

// Peak RSS growth per method at every table size whose summary is in the output folder.
std::string scaling_table(const fs::path& out) {
    std::map<std::pair<std::string, std::string>, std::map<std::uint64_t, std::pair<long, double>>> data;
    std::vector<std::uint64_t> sizes;
    for (const auto& e : fs::directory_iterator(out)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("summary-", 0) != 0 || e.path().extension() != ".csv") continue;
        const std::uint64_t rows = std::stoull(name.substr(8));
        sizes.push_back(rows);
        std::ifstream in(e.path());
        for (std::string line; std::getline(in, line);) {
            std::vector<std::string> f;
            std::stringstream ss(line);
            for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
            if (f.size() < 7 || f[0] == "backend") continue;
            data[{f[0], f[1]}][rows] = {std::stol(f[4]), std::stod(f[2])};
        }
    }
    std::sort(sizes.begin(), sizes.end());
    if (sizes.size() < 2) return {};
    std::ostringstream md;
    md << "| backend | method |";
    for (auto s : sizes) md << " RSS growth MB at " << with_commas(s) << " |";
    for (auto s : sizes) md << " s at " << with_commas(s) << " |";
    md << "\n|---|---|";
    for (std::size_t i = 0; i < 2 * sizes.size(); ++i) md << "---:|";
    md << "\n";
    for (const auto& [k, per] : data) {
        md << "| " << k.first << " | " << k.second << " |";
        for (auto s : sizes) md << " " << (per.count(s) ? mb(per.at(s).first) : "-") << " |";
        for (auto s : sizes) md << " " << (per.count(s) ? fmt("%.3f", per.at(s).second) : "-") << " |";
        md << "\n";
    }
    return md.str();
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse_args(argc, argv);
    try {
        fs::create_directories(o.out);
        std::string rss_mode = o.rss_mode;
        const bool clear_refs = clear_refs_works();
        if (rss_mode == "auto") rss_mode = clear_refs ? "clear_refs" : "fork";
        std::fprintf(stderr, "sluice-bench: %s rows; peak RSS via %s (clear_refs %s)\n", with_commas(o.rows).c_str(), rss_mode.c_str(),
                     clear_refs ? "works" : "does not reset VmHWM here");

        std::vector<backend_report> reports;
        for (const char* b : {"sqlite", "mariadb"}) {
            if (o.backend != b && o.backend != "both") continue;
            try {
                reports.push_back(run_backend(b, o, rss_mode));
            } catch (const std::exception& e) {
                // One backend failing (no server, say) still leaves the other's results.
                std::fprintf(stderr, "sluice-bench: %s: %s\n", b, e.what());
                backend_report failed;
                failed.key = b;
                failed.name = b;
                failed.ok = false;
                failed.markdown = "## " + std::string(b) + "\n\nFailed: " + e.what() + "\n";
                reports.push_back(std::move(failed));
            }
        }

        std::ostringstream md;
        const std::time_t now = std::time(nullptr);
        char date[64];
        std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
        utsname un{};
        uname(&un);
        md << "# sluice-bench: " << with_commas(o.rows) << " rows\n\n";
        md << "Run " << date << " on " << read_first_line("/proc/cpuinfo", "model name") << ", " << sysconf(_SC_NPROCESSORS_ONLN)
           << " CPUs, Linux " << un.release << "; g++ " << __VERSION__;
#ifdef NDEBUG
        md << ", release build (NDEBUG)";
#else
        md << ", build WITHOUT NDEBUG (not a release build)";
#endif
        if (const char* rev = std::getenv("SLUICE_BENCH_REVISION")) md << "; sluice " << rev;
        md << "; SOCI " << soci_version() << ".\n\n";
        md << "Command: `";
        for (int i = 0; i < argc; ++i) md << (i ? " " : "") << (std::strstr(argv[i], "://") ? "<url>" : argv[i]);
        md << "`. Peak RSS measured with " << (rss_mode == "clear_refs" ? "`/proc/self/clear_refs` (write 5, read VmHWM)" : "a forked child per run (wait4 ru_maxrss)")
           << "; the server's memory is not counted.\n\n";
        bool ok = true;
        for (const auto& r : reports) {
            md << r.markdown << "\n";
            ok = ok && r.ok;
        }
        if (reports.size() == 2 && reports[0].reference && reports[1].reference) {
            const bool same = reports[0].reference->sum == reports[1].reference->sum && reports[0].reference->micros == reports[1].reference->micros &&
                              reports[0].reference->rows == reports[1].reference->rows;
            md << "Both backends hold the same data: checksums " << (same ? "equal" : "DIFFER") << ".\n\n";
            ok = ok && same;
        }
        // Machine-readable summary, and the growth across table sizes if several were run.
        {
            std::ofstream f(fs::path(o.out) / ("summary-" + std::to_string(o.rows) + ".csv"));
            f << "backend,method,median_s,best_s,rss_growth_kb,vmhwm_kb,checksum\n";
            for (const auto& r : reports)
                for (const auto& line : r.summary_csv) f << line << "\n";
        }
        if (const std::string scaling = scaling_table(o.out); !scaling.empty())
            md << "## Peak RSS growth as the table grows\n\n(From the summary CSVs in this folder; each size's run may cover fewer methods.)\n\n"
               << scaling << "\n";
        const std::string text = md.str();
        std::cout << text << std::flush;
        std::ofstream(fs::path(o.out) / ("results-" + std::to_string(o.rows) + ".md")) << text;
        std::fprintf(stderr, "sluice-bench: wrote %s\n", (fs::path(o.out) / ("results-" + std::to_string(o.rows) + ".md")).c_str());
        if (!ok) {
            std::fprintf(stderr, "sluice-bench: FAILED: a checksum differs or a method failed (see the table)\n");
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sluice-bench: %s\n", e.what());
        return 1;
    }
}
