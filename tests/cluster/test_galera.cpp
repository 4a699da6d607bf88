// The Galera tier: three nodes; write on one, read on another with wsrep_sync_wait.
// Run by scripts/test --cluster with SLUICE_CLUSTER=galera (skipped on the other tier).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "../oracle.hpp"
#include "cluster.hpp"

using models::User;
using sluice::col;

namespace {

constexpr std::size_t total_rows = 20000;

// Node n (1..3); a reading session waits for the node to apply everything committed anywhere in
// the cluster before each read (wsrep_sync_wait = 1: reads).
sluice::session node(int n, bool sync_reads = true) {
    sluice::session s(cluster::url(static_cast<std::size_t>(n - 1)));
    if (sync_reads) s.execute("SET SESSION wsrep_sync_wait = 1");
    return s;
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// node1 with a fresh users table (DDL replicates to every node in total order).
sluice::session fresh_node1() {
    auto db = node(1);
    db.drop_table<User>();
    db.create_table<User>();
    return db;
}

}  // namespace

TEST_SUITE("galera" * doctest::skip(!cluster::is_galera())) {

TEST_CASE("galera: the three nodes form one synced cluster") {
    for (int n = 1; n <= 3; ++n) {
        CAPTURE(n);
        auto db = node(n, false);
        CHECK(db.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'") == "3");
        CHECK(db.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'") ==
              "Synced");
        MESSAGE("node" << n << ": auto_increment_increment " << db.scalar("SELECT @@auto_increment_increment").value_or("?")
                       << ", offset " << db.scalar("SELECT @@auto_increment_offset").value_or("?") << ", innodb_autoinc_lock_mode "
                       << db.scalar("SELECT @@innodb_autoinc_lock_mode").value_or("?"));
    }
}

TEST_CASE("galera: a table created on node1 exists on node2 and node3") {
    fresh_node1();
    for (int n = 2; n <= 3; ++n) {
        auto db = node(n);
        db.verify<User>();
        CHECK(db.query<User>().count() == 0);
    }
}

TEST_CASE("galera: insert_many on node1, yield_per on node2 sees exactly those rows") {
    auto n1 = fresh_node1();
    std::vector<std::int64_t> ids;
    const auto users = oracle::random_users(total_rows, 9);
    CHECK(n1.insert_many(users, {.ids = &ids}) == total_rows);
    REQUIRE(ids.size() == total_rows);
    CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == total_rows);
    // node1's own view: the reported ids are the stored ids.
    std::vector<std::int64_t> on_node1;
    for (const auto& [id] : n1.query<User>().select(&User::id)) on_node1.push_back(id);
    CHECK(sorted(on_node1) == sorted(ids));

    auto n2 = node(2);
    std::vector<std::int64_t> on_node2;
    for (const User& u : n2.query<User>().yield_per(1000)) on_node2.push_back(u.id);
    CHECK(on_node2.size() == total_rows);
    CHECK(on_node2 == sorted(ids));  // in key order, none missing, none twice
    // Whole rows, not just keys, arrived.
    const auto sample = n2.query<User>().order_by(&User::id).limit(50).all();
    const auto on1 = n1.query<User>().order_by(&User::id).limit(50).all();
    CHECK(sample == on1);

    // And by a secondary order on node3.
    auto n3 = node(3);
    std::vector<std::int64_t> by_age;
    for (const User& u : n3.query<User>().order_by(&User::age).yield_per(1000)) by_age.push_back(u.id);
    CHECK(by_age == [&] {
        std::vector<std::int64_t> v;
        for (const auto& [id] : n1.query<User>().order_by(&User::age).select(&User::id)) v.push_back(id);
        return v;
    }());
}

TEST_CASE("galera: update_in_batches on node3, read back on node1") {
    auto n1 = fresh_node1();
    n1.insert_many(oracle::random_users(3000, 13));
    auto n3 = node(3);
    const auto matching = n3.query<User>().where(col(&User::age) < 8).count();
    REQUIRE(matching > 0);
    std::size_t batches = 0;
    const std::uint64_t changed = n3.query<User>().where(col(&User::age) < 8).update_in_batches(
        200, {.on_batch = [&](const sluice::batch_progress&) { ++batches; }}, sluice::set(&User::bio, "from node3"));
    CHECK(changed == matching);
    CHECK(batches == (matching + 199) / 200);
    CHECK(n1.query<User>().where(col(&User::bio) == "from node3").count() == matching);
    CHECK(n1.query<User>().where(col(&User::bio) == "from node3" && col(&User::age) >= 8).count() == 0);
    // remove_in_batches on node2, counted on node1.
    auto n2 = node(2);
    CHECK(n2.query<User>().where(col(&User::age) >= 15).remove_in_batches(300) > 0);
    CHECK(n1.query<User>().where(col(&User::age) >= 15).count() == 0);
    CHECK(n1.query<User>().count() == n2.query<User>().count());
}

TEST_CASE("galera: conflicting writes on two nodes fail certification with 1213; retry_transaction recovers") {
    auto n1 = fresh_node1();
    std::vector<User> users = oracle::random_users(10, 17);
    for (std::size_t i = 0; i < users.size(); ++i) users[i].id = static_cast<std::int64_t>(i + 1);
    n1.insert_many(users);
    auto n2 = node(2);
    REQUIRE(n2.query<User>().count() == 10);

    SUBCASE("a plain transaction loses to a write committed first on another node") {
        auto tx = n2.transaction();
        n2.execute("UPDATE users SET bio = 'node2' WHERE id = 1");
        n1.execute("UPDATE users SET bio = 'node1' WHERE id = 1");  // commits first, on node1
        int code = 0;
        std::string message;
        try {
            // Certification fails at commit (or node1's write set aborts ours while it waits).
            n2.execute("UPDATE users SET age = age WHERE id = 2");
            tx.commit();
        } catch (const sluice::statement_error& e) {
            code = e.code();
            message = e.what();
            CHECK(sluice::session::is_retryable(e));
        }
        MESSAGE("node2's transaction: " << (message.empty() ? "committed (no conflict seen)" : message));
        CHECK(code == 1213);
        CHECK(node(3).get<User>(std::int64_t{1})->bio == "node1");
    }

    SUBCASE("the loser learns at commit: certification failure") {
        auto tx = n2.transaction();
        n2.execute("UPDATE users SET bio = 'node2' WHERE id = 3");
        n1.execute("UPDATE users SET bio = 'node1' WHERE id = 3");
        int code = 0;
        std::string message;
        try {
            tx.commit();
        } catch (const sluice::statement_error& e) {
            code = e.code();
            message = e.what();
        }
        MESSAGE("node2's commit: " << (message.empty() ? "committed (no conflict seen)" : message));
        CHECK(code == 1213);
        CHECK(node(3).get<User>(std::int64_t{3})->bio == "node1");
        // The session is usable afterwards.
        CHECK(n2.query<User>().count() == 10);
    }

    SUBCASE("retry_transaction runs the function again and commits") {
        int attempts = 0;
        n2.retry_transaction(
            [&] {
                ++attempts;
                auto row = n2.get<User>(std::int64_t{1});
                REQUIRE(row);
                n2.execute("UPDATE users SET score = ? WHERE id = 1", row->score + 1);
                if (attempts == 1) n1.execute("UPDATE users SET score = score + 100 WHERE id = 1");  // the rival, on node1
            },
            5);
        CHECK(attempts == 2);
        // Both increments count: node1's +100, then node2's +1 on top of it.
        CHECK(node(3).get<User>(std::int64_t{1})->score == users[0].score + 101);
    }

    SUBCASE("two nodes incrementing the same rows at once: no update is lost") {
        constexpr int rounds = 40;
        std::atomic<int> retries{0};
        auto worker = [&](int n) {
            auto db = node(n, false);
            for (int i = 0; i < rounds; ++i) {
                int attempt = 0;
                db.retry_transaction(
                    [&] {
                        if (++attempt > 1) ++retries;
                        for (std::int64_t id = 1; id <= 3; ++id) db.execute("UPDATE users SET age = age + 1 WHERE id = ?", id);
                    },
                    50);
            }
        };
        std::thread a(worker, 1), b(worker, 2);
        a.join();
        b.join();
        MESSAGE("concurrent increments on node1 and node2: " << retries.load() << " retried transactions");
        auto n3 = node(3);
        for (std::int64_t id = 1; id <= 3; ++id) CHECK(n3.get<User>(id)->age == users[static_cast<std::size_t>(id - 1)].age + 2 * rounds);
    }
}

TEST_CASE("galera: partitions written on node1, scanned in parallel on node2") {
    auto n1 = fresh_node1();
    n1.insert_many(oracle::random_users(5000, 19));
    auto n2 = node(2);
    // After this synced read, node2 has applied node1's insert: the pooled sessions (which do not
    // set wsrep_sync_wait) see it too.
    const std::uint64_t total = n2.query<User>().count();
    REQUIRE(total == 5000);
    const auto parts = n2.query<User>().partitions(4);
    std::uint64_t sum = 0;
    for (const auto& part : parts) sum += part.count();
    CHECK(sum == total);
    sluice::pool pool(cluster::url(1), 4);
    std::mutex m;
    std::multiset<std::int64_t> seen;
    sluice::parallel_for_each(pool, parts, 400, [&](const User& u) {
        std::lock_guard lock(m);
        seen.insert(u.id);
    });
    CHECK(seen.size() == total);
    CHECK(std::set<std::int64_t>(seen.begin(), seen.end()).size() == total);
}

}  // TEST_SUITE("galera")
