// The fault loop: scans of many shapes while their connection is killed at random moments.
// On MariaDB a second thread sends real KILL CONNECTION / KILL QUERY, between pages and during
// fetches; SQLite has no server, so there the test hook loses the connection before random
// statements. Either way every scan must end exact: every row once, in order. Seeded: the seed
// is printed, and SLUICE_FAULT_SEED=<seed> repeats the choices (not the thread timing).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

#include "../../lib/session/session_impl.hpp"
#include "../support.hpp"

using sluice::col;

namespace {

struct FaultRow {
    static constexpr std::string_view table_name = "fault_rows";
    static constexpr std::array<std::string_view, 1> indexes{"grp"};
    std::int64_t id = 0;
    std::int32_t grp = 0;
    std::string payload;  // wide rows: a page of a few thousand takes milliseconds to fetch
    std::optional<std::string> note;
    bool operator==(const FaultRow&) const = default;
};

constexpr int table_rows = 6000;

unsigned fault_seed() {
    static const unsigned seed = [] {
        const char* given = std::getenv("SLUICE_FAULT_SEED");
        return given && *given ? static_cast<unsigned>(std::strtoul(given, nullptr, 10)) : std::random_device{}();
    }();
    return seed;
}

sluice::session filled() {
    auto db = support::fresh<FaultRow>();
    std::mt19937 rng(fault_seed());
    std::vector<FaultRow> rows;
    rows.reserve(table_rows);
    for (int i = 0; i < table_rows; ++i) {
        FaultRow r;
        r.grp = static_cast<std::int32_t>(rng() % 50);  // ties, so the key tiebreak matters
        r.payload.assign(200 + rng() % 1800, static_cast<char>('a' + rng() % 26));
        if (rng() % 4) r.note = "note " + std::to_string(rng() % 1000);
        rows.push_back(std::move(r));
    }
    db.insert_many(rows);
    return db;
}

struct scan_shape {
    std::size_t page;
    bool batches;
    int order;  // 0: by id, 1: by grp, 2: by grp descending (the key appended as tiebreak)
};

scan_shape random_shape(std::mt19937& rng) {
    static constexpr std::size_t pages[] = {1, 7, 64, 500, 2000, 4000};
    return {pages[rng() % std::size(pages)], rng() % 2 == 0, static_cast<int>(rng() % 3)};
}

sluice::query<FaultRow> shaped(sluice::session& db, const scan_shape& s) {
    auto q = db.query<FaultRow>();
    // Tiny pages over the whole table would take thousands of statements: a slice keeps them short.
    if (s.page < 64) q = q.where(col(&FaultRow::id) <= 400);
    if (s.order == 1) q = q.order_by(&FaultRow::grp);
    if (s.order == 2) q = q.order_by(sluice::desc(&FaultRow::grp));
    if (s.order == 0) q = q.order_by(&FaultRow::id);
    return q;
}

// Runs the scan, appending every row handed out to `seen`.
void scan(sluice::session& db, const scan_shape& s, std::vector<FaultRow>& seen) {
    if (s.batches) {
        for (std::span<const FaultRow> batch : shaped(db, s).batches(s.page)) seen.insert(seen.end(), batch.begin(), batch.end());
    } else {
        for (const FaultRow& r : shaped(db, s).yield_per(s.page)) seen.push_back(r);
    }
}

void sleep_log_uniform(std::mt19937& rng, double min_us, double max_us) {
    std::uniform_real_distribution<double> exponent(std::log(min_us), std::log(max_us));
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(std::exp(exponent(rng)))));
}

// Publishes the scanning session's server id before each of its statements: a reconnect gives a
// new id, which the killer must see.
void publish_connection_id(sluice::session& db, std::atomic<std::uint64_t>& id) {
    id = db.connection_id();
    sluice::detail::session_access::impl(db).before_statement = [&db, &id](std::uint64_t, std::string_view) { id = db.connection_id(); };
}

// Sends `kill` ("KILL CONNECTION " or "KILL QUERY ") to the published id at random moments, at
// most `limit` times, until `done`.
std::jthread killer(std::atomic<std::uint64_t>& victim, std::atomic<bool>& done, std::atomic<int>& kills,
                    std::string kill, int limit, unsigned seed, double max_sleep_us) {
    return std::jthread([&victim, &done, &kills, kill, limit, seed, max_sleep_us] {
        std::mt19937 rng(seed);
        auto control = support::connect();
        while (!done && kills < limit) {
            sleep_log_uniform(rng, 20, max_sleep_us);
            if (done) break;
            try {
                control.execute(kill + std::to_string(victim.load()));
                ++kills;
            } catch (const sluice::statement_error&) {
                // 1094 unknown thread: the connection was already replaced; the next round sees the new id.
            }
        }
    });
}

}  // namespace

TEST_CASE("fault loop: scans killed at random moments reconnect and stay exact (kill connection)") {
    if (!support::reports_killed_fetches()) {
        MESSAGE("not run on this tier: a killed fetch can end a page short without an error there (tests/cluster/tier.hpp)");
        return;
    }
    auto db = filled();
    auto reference = support::connect();  // never killed: the expected results
    std::mt19937 rng(fault_seed());
    MESSAGE("fault loop seed " << fault_seed() << " (SLUICE_FAULT_SEED repeats it)");
    db.set_retry_policy({.attempts = 100, .initial_backoff = std::chrono::milliseconds(1), .multiplier = 2,
                         .max_backoff = std::chrono::milliseconds(10)});
    const bool simulated = support::is_sqlite();
    int total_kills = 0;
    const std::uint64_t generation_before = sluice::detail::session_access::impl(db).generation;
    for (int round = 0; round < 8; ++round) {
        const scan_shape s = random_shape(rng);
        CAPTURE(round);
        CAPTURE(s.page);
        CAPTURE(s.batches);
        CAPTURE(s.order);
        const std::vector<FaultRow> expected = shaped(reference, s).all();
        std::vector<FaultRow> seen;
        if (simulated) {
            // No server to kill: a simulated loss before about a third of the statements.
            std::mt19937 losses(rng());
            int lost = 0;
            sluice::detail::session_access::impl(db).before_statement = [&](std::uint64_t, std::string_view) {
                if (losses() % 3 == 0 && lost < 40) {
                    ++lost;
                    throw sluice::connection_error("sluice: simulated lost connection (test hook)");
                }
            };
            scan(db, s, seen);
            sluice::detail::session_access::impl(db).before_statement = nullptr;
            total_kills += lost;
        } else {
            std::atomic<std::uint64_t> victim{0};
            std::atomic<bool> done{false};
            std::atomic<int> kills{0};
            publish_connection_id(db, victim);
            {
                auto k = killer(victim, done, kills, "KILL CONNECTION ", 20, static_cast<unsigned>(rng()), 30'000);
                try {
                    scan(db, s, seen);
                } catch (...) {
                    done = true;
                    throw;
                }
                done = true;
            }
            sluice::detail::session_access::impl(db).before_statement = nullptr;
            total_kills += kills;
        }
        CHECK(seen.size() == expected.size());
        CHECK(seen == expected);
    }
    MESSAGE(total_kills << " connections lost, " << sluice::detail::session_access::impl(db).generation - generation_before << " reconnects");
}

TEST_CASE("fault loop: KILL QUERY ends a scan with the server's error, or not at all") {
    if (support::is_sqlite()) return;  // no server, no query to kill
    auto db = filled();
    auto reference = support::connect();
    std::mt19937 rng(fault_seed() + 1);
    MESSAGE("fault loop seed " << fault_seed() << " (SLUICE_FAULT_SEED repeats it)");
    int interrupted = 0, complete = 0;
    for (int round = 0; round < 8; ++round) {
        scan_shape s = random_shape(rng);
        s.page = std::max<std::size_t>(s.page, 500);  // pages large enough to be caught mid-fetch
        CAPTURE(round);
        CAPTURE(s.page);
        CAPTURE(s.batches);
        CAPTURE(s.order);
        const std::vector<FaultRow> expected = shaped(reference, s).all();
        std::vector<FaultRow> seen;
        std::atomic<std::uint64_t> victim{0};
        std::atomic<bool> done{false};
        std::atomic<int> kills{0};
        publish_connection_id(db, victim);
        bool ended_by_error = false;
        {
            auto k = killer(victim, done, kills, "KILL QUERY ", 1, static_cast<unsigned>(rng()), 60'000);
            try {
                scan(db, s, seen);
            } catch (const sluice::statement_error& e) {
                ended_by_error = true;
                const std::string message = e.what();
                CAPTURE(message);
                CHECK(e.code() != 0);
                CHECK(e.sql_state() != "00000");
                // The server's message, never an empty one.
                CHECK(std::string_view(e.what()).find("MariaDB:  [") == std::string_view::npos);
            }
            done = true;
        }
        sluice::detail::session_access::impl(db).before_statement = nullptr;
        if (ended_by_error) {
            ++interrupted;
            REQUIRE(seen.size() <= expected.size());
            CHECK(std::equal(seen.begin(), seen.end(), expected.begin()));  // a prefix: nothing skipped
        } else {
            ++complete;
            CHECK(seen.size() == expected.size());  // the kill landed between statements
            CHECK(seen == expected);
        }
        CHECK(db.query<FaultRow>().count() == table_rows);  // the session goes on
    }
    MESSAGE(interrupted << " scans interrupted by KILL QUERY, " << complete << " complete");
}
