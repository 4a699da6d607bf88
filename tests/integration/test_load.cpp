// Load: a pool of sessions, 8 threads scanning and writing at once for a bounded time.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <sluice/pool.hpp>

#include "../oracle.hpp"

using models::User;
using sluice::col;

TEST_CASE("pool: leases are exclusive, bounded, and reused") {
    sluice::pool pool(support::backend().url, 2);
    {
        auto a = pool.acquire();
        auto b = pool.acquire();
        CHECK(&*a != &*b);
        CHECK(pool.open_connections() == 2);
        CHECK_FALSE(pool.try_acquire(std::chrono::milliseconds(20)).has_value());  // both on loan
    }
    auto c = pool.try_acquire(std::chrono::milliseconds(20));
    REQUIRE(c.has_value());
    CHECK(pool.open_connections() == 2);
    c.reset();
    {
        // A session returned with a transaction still open is closed, not handed out again.
        std::optional<sluice::transaction> left_open;
        {
            auto d = pool.acquire();
            left_open.emplace(d->transaction());
        }
        CHECK(pool.open_connections() == 1);
        CHECK_THROWS_AS(left_open->commit(), sluice::connection_error);  // its session is gone
        left_open.reset();
    }
    auto e = pool.acquire();
    CHECK_FALSE(e->in_transaction());
    CHECK(pool.open_connections() <= 2);
}

TEST_CASE("8 threads scan and write through a pool for a bounded time: all results checked") {
    {
        auto db = support::fresh<User>();
        db.insert_many(oracle::random_users(3000, 43));
    }
    sluice::pool pool(support::backend().url, 8);
    std::atomic<std::uint64_t> scans{0}, rows_read{0}, writes{0}, failures{0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(support::is_sqlite() ? 3 : 5);
    std::vector<std::thread> threads;
    std::vector<std::string> problems(8);
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto db = pool.acquire();
                const std::string tag = "thread " + std::to_string(t);
                std::int64_t mine = 0;
                while (std::chrono::steady_clock::now() < deadline) {
                    // A scan of this thread's age band, checked for order and duplicates.
                    std::int32_t last_age = -1;
                    std::int64_t last_id = 0;
                    std::uint64_t n = 0;
                    for (const User& u : db->query<User>().where(col(&User::age) >= t && col(&User::age) < t + 3).order_by(&User::age).yield_per(200)) {
                        if (u.age < last_age || (u.age == last_age && u.id <= last_id)) problems[t] = "scan out of order";
                        last_age = u.age;
                        last_id = u.id;
                        ++n;
                    }
                    scans++;
                    rows_read += n;
                    // Writes: insert a tagged row, change it, sometimes remove it.
                    User u = oracle::random_users(1, static_cast<unsigned>(mine + 1000 * t))[0];
                    u.bio = tag;
                    db->insert(u);
                    db->query<User>().where(col(&User::id) == u.id).update(sluice::set(&User::score, 1.0));
                    ++mine;
                    if (mine % 3 == 0) {
                        db->remove(u);
                        --mine;
                    }
                    writes += 3;
                }
                const auto kept = db->query<User>().where(col(&User::bio) == tag).count();
                if (kept != static_cast<std::uint64_t>(mine)) problems[t] = "kept " + std::to_string(kept) + " rows, expected " + std::to_string(mine);
                if (db->query<User>().where(col(&User::bio) == tag && col(&User::score) != 1.0).count() != 0) problems[t] = "an update was lost";
            } catch (const std::exception& e) {
                failures++;
                problems[t] = e.what();
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < 8; ++t) {
        CAPTURE(t);
        CHECK(problems[t] == "");
    }
    CHECK(failures == 0);
    CHECK(scans > 8);
    const std::string where = support::is_sqlite() ? "sqlite, 3 s" : "mariadb, 5 s";
    MESSAGE("load (" << where << "): " << scans.load() << " scans, " << rows_read.load() << " rows read ("
                     << rows_read.load() / (support::is_sqlite() ? 3 : 5) << " rows/s), " << writes.load() << " writes, "
                     << pool.open_connections() << " connections");
}
