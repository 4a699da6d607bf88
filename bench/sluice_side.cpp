// The sluice side: yield_per, batches and stream<> scans, data generation, page latency.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <ranges>
#include <tuple>

#include <sluice/sluice.hpp>

#include "sluice_side.hpp"

namespace bench {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

}  // namespace

method sluice_yield_per(std::string url) {
    auto db = std::make_shared<std::optional<sluice::session>>();
    method m;
    m.key = "yield_per";
    m.label = "sluice query<User>().yield_per(1000)";
    m.setup = [db, url] { db->emplace(url); };
    m.teardown = [db] { db->reset(); };
    m.run = [db] {
        checksum cs;
        for (const User& u : (*db)->query<User>().yield_per(page_rows)) cs.add(u);
        return cs;
    };
    return m;
}

method sluice_batches(std::string url) {
    auto db = std::make_shared<std::optional<sluice::session>>();
    method m;
    m.key = "batches";
    m.label = "sluice query<User>().batches(1000)";
    m.setup = [db, url] { db->emplace(url); };
    m.teardown = [db] { db->reset(); };
    m.run = [db] {
        checksum cs;
        for (std::span<const User> batch : (*db)->query<User>().batches(page_rows))
            for (const User& u : batch) cs.add(u);
        return cs;
    };
    return m;
}

method sluice_stream(std::string url) {
    auto db = std::make_shared<std::optional<sluice::session>>();
    method m;
    m.key = "stream";
    m.label = "sluice stream<User>(\"SELECT <all columns> FROM users\")";
    m.setup = [db, url] {
        db->emplace(url);
        // A stream runs on a connection of its own, which the session keeps once the stream
        // ends: open it here, outside the timing, as the other methods open theirs.
        (void)(*db)->fetch_all<std::tuple<std::int64_t>>("SELECT 1");
    };
    m.teardown = [db] { db->reset(); };
    m.run = [db] {
        checksum cs;
        for (const User& u : (*db)->stream<User>(users_select)) cs.add(u);
        return cs;
    };
    return m;
}

load_result ensure_users(sluice::session& db, std::uint64_t rows, std::uint64_t chunk) {
    load_result out;
    try {
        out.existing = db.query<User>().count();
    } catch (const sluice::error&) {
        // no table yet
    }
    if (out.existing && *out.existing == rows) return out;
    out.generated = true;
    db.drop_table<User>();
    if (db.backend() == sluice::backend::sqlite) db.execute("VACUUM");  // give the old pages back
    db.create_table<User>();
    const auto t0 = clock_type::now();
    for (std::uint64_t start = 0; start < rows; start += chunk) {
        const std::uint64_t end = std::min(rows, start + chunk);
        // One insert_many per chunk: each is its own transaction, so a 10M-row load is not one
        // huge transaction.
        db.insert_many(std::views::iota(static_cast<std::int64_t>(start), static_cast<std::int64_t>(end)) |
                       std::views::transform(make_user));
        const double s = ms_since(t0) / 1000;
        std::fprintf(stderr, "\r  loaded %llu / %llu rows, %.1f s, %.0f rows/s   ", static_cast<unsigned long long>(end),
                     static_cast<unsigned long long>(rows), s, static_cast<double>(end) / s);
    }
    std::fprintf(stderr, "\n");
    out.insert_seconds = ms_since(t0) / 1000;
    if (db.backend() == sluice::backend::mariadb) {
        const auto t1 = clock_type::now();
        db.execute("ANALYZE TABLE users");
        out.analyze_seconds = ms_since(t1) / 1000;
    }
    return out;
}

latency_result measure_latency(sluice::session& db, std::uint64_t rows, const latency_plan& plan) {
    latency_result out;
    const auto by_age = db.query<User>().order_by(&User::age);

    // Keyset: on_batch fires right after each page is read; the difference between consecutive
    // calls is that page's time (plus the trivial checksum of the previous page's rows).
    std::vector<std::vector<double>> passes;
    for (int pass = 0; pass < std::max(1, plan.keyset_passes); ++pass) {
        std::vector<double> at_ms;
        std::vector<std::uint64_t> sum_before;  // checksum before each page's rows
        std::vector<std::int32_t> first_age;
        bool page_started = false;
        checksum cs;
        at_ms.reserve(rows / page_rows + 1);
        sum_before.reserve(rows / page_rows + 1);
        auto range = by_age.yield_per(page_rows).on_batch([&](const sluice::batch_progress& p) {
            at_ms.push_back(std::chrono::duration<double, std::milli>(p.elapsed).count());
            sum_before.push_back(cs.sum);
            page_started = true;
        });
        for (const User& u : range) {
            if (page_started) {
                first_age.push_back(u.age);
                page_started = false;
            }
            cs.add(u);
        }
        std::vector<double> page_ms(at_ms.size());
        for (std::size_t i = 0; i < at_ms.size(); ++i) page_ms[i] = at_ms[i] - (i ? at_ms[i - 1] : 0.0);
        if (pass == 0) {
            out.keyset_total = cs;
            out.keyset_page_age = first_age;
            out.keyset_page_sum.resize(sum_before.size());
            for (std::size_t i = 0; i < sum_before.size(); ++i)
                out.keyset_page_sum[i] = (i + 1 < sum_before.size() ? sum_before[i + 1] : cs.sum) - sum_before[i];
        }
        passes.push_back(std::move(page_ms));
        std::fprintf(stderr, "  keyset pass %d: %zu pages, %.2f s\n", pass + 1, passes.back().size(), at_ms.empty() ? 0 : at_ms.back() / 1000);
    }
    out.passes = static_cast<int>(passes.size());
    const std::size_t pages = passes.front().size();
    out.keyset_ms.resize(pages);
    for (std::size_t i = 0; i < pages; ++i) {
        std::vector<double> v;
        for (const auto& p : passes) v.push_back(i < p.size() ? p[i] : p.back());
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        out.keyset_ms[i] = v[v.size() / 2];
    }

    // OFFSET: the same pages by LIMIT/OFFSET, for a sample (a full OFFSET scan is quadratic).
    for (std::size_t k : plan.offset_pages) {
        if (k >= pages) continue;
        const auto t0 = clock_type::now();
        const std::vector<User> page = by_age.limit(page_rows).offset(k * page_rows).all();
        const double ms = ms_since(t0);
        checksum cs;
        for (const User& u : page) cs.add(u);
        out.offset_ms.emplace_back(k, ms);
        out.offset_page_sum.emplace_back(k, cs.sum);
        if (cs.sum != out.keyset_page_sum[k]) ++out.offset_mismatches;
        std::fprintf(stderr, "\r  OFFSET page %zu: %.1f ms   ", k, ms);
    }
    if (!plan.offset_pages.empty()) std::fprintf(stderr, "\n");
    return out;
}

}  // namespace bench
