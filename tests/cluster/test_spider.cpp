// The Spider tier: a front end sharding `users` over two InnoDB backends by primary key.
// Run by scripts/test --cluster with SLUICE_CLUSTER=spider (skipped on the other tier).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "../oracle.hpp"
#include "cluster.hpp"
#include "spider.hpp"

using models::User;
using sluice::col;

namespace {

constexpr std::size_t total_rows = 20000;

template <class R> std::vector<std::int64_t> ids_of(R&& rows) {
    std::vector<std::int64_t> ids;
    for (const User& u : rows) ids.push_back(u.id);
    return ids;
}

// A front-end session on a freshly sharded, empty users table.
sluice::session fresh_front(cluster::spider_options options = {}) {
    auto front = cluster::connect(0);
    cluster::create_spider_table<User>(front, cluster::backend_urls(), std::move(options));
    return front;
}

// The front end with 20000 random users, inserted once for the test cases that only read (and
// again if a test case replaced the table meanwhile).
struct loaded {
    std::vector<std::int64_t> ids;  // as insert_many reported them, in input order
};

const loaded& load_once() {
    static loaded data;
    auto front = cluster::connect(0);
    const auto engine = front.scalar("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'");
    if (!data.ids.empty() && engine == "SPIDER" && front.query<User>().count() == total_rows) return data;
    front = fresh_front();
    data.ids.clear();
    const std::uint64_t inserted = front.insert_many(oracle::random_users(total_rows, 7), {.ids = &data.ids});
    REQUIRE(inserted == total_rows);
    return data;
}

// The statements of the backends' general log, switched on around fn().
struct logged_statement {
    std::size_t backend;  // 1-based
    std::string sql;
};

template <class F> std::vector<logged_statement> with_backend_log(F fn) {
    std::vector<sluice::session> backends;
    for (const std::string& url : cluster::backend_urls()) backends.emplace_back(url);
    for (auto& b : backends) {
        b.execute("SET GLOBAL log_output = 'TABLE'");
        b.execute("SET GLOBAL general_log = 0");
        b.execute("TRUNCATE TABLE mysql.general_log");
        b.execute("SET GLOBAL general_log = 1");
    }
    try {
        fn();
    } catch (...) {
        for (auto& b : backends) b.execute("SET GLOBAL general_log = 0");
        throw;
    }
    std::vector<logged_statement> out;
    for (std::size_t i = 0; i < backends.size(); ++i) {
        backends[i].execute("SET GLOBAL general_log = 0");
        // Only the Spider front end's connections: not this session's own statements.
        const auto mine = backends[i].connection_id();
        for (const auto& row : backends[i].rows(
                 "SELECT argument FROM mysql.general_log WHERE command_type IN ('Query', 'Execute') AND thread_id <> ? "
                 "ORDER BY event_time",
                 mine))
            if (row[0]) out.push_back({i + 1, *row[0]});
    }
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_select_on_users(const std::string& sql) {
    const std::string l = lower(sql);
    return l.rfind("select", 0) == 0 && l.find("`users`") != std::string::npos;
}

// The row count a statement's LIMIT allows (offset + count for "limit o,n"); nullopt without LIMIT.
std::optional<std::uint64_t> limit_of(const std::string& sql) {
    static const std::regex limit(R"(\blimit\s+(\d+)(\s*,\s*(\d+))?\s*(offset\s+(\d+))?\s*$)", std::regex::icase);
    std::smatch m;
    const std::string trimmed = sql.substr(0, sql.find_last_not_of(" \n\t;") + 1);
    if (!std::regex_search(trimmed, m, limit)) return std::nullopt;
    if (m[3].matched) return std::stoull(m[1]) + std::stoull(m[3]);  // LIMIT offset, count
    std::uint64_t n = std::stoull(m[1]);
    if (m[5].matched) n += std::stoull(m[5]);
    return n;
}

std::string sample(const std::vector<logged_statement>& log, std::size_t n = 6) {
    std::ostringstream out;
    std::size_t shown = 0;
    for (const auto& s : log) {
        if (!is_select_on_users(s.sql)) continue;
        out << "  backend" << s.backend << ": " << s.sql.substr(0, 400) << "\n";
        if (++shown == n) break;
    }
    return out.str();
}

}  // namespace

TEST_CASE("the cluster tier is named") {
    REQUIRE_MESSAGE((cluster::is_spider() || cluster::is_galera()),
                    "set SLUICE_CLUSTER=spider|galera and SLUICE_CLUSTER_URLS (scripts/test --cluster does)");
    CHECK(cluster::urls().size() == 3);
}

TEST_SUITE("spider" * doctest::skip(!cluster::is_spider())) {

TEST_CASE("spider: the front end's DDL is the model's InnoDB DDL with a Spider engine and partitions") {
    const auto ddl = sluice::create_table_sql<User>(sluice::backend::mariadb);
    const std::string front = cluster::spider_create_table(ddl.front(), "users", cluster::spider_partitioning({"id"}, 2));
    CHECK(front.find("ENGINE=InnoDB") == std::string::npos);
    CHECK(front.find("PRIMARY KEY (`id`)") != std::string::npos);
    CHECK(front.find("ENGINE=SPIDER") != std::string::npos);
    CHECK(front.find("PARTITION BY KEY (`id`) (PARTITION pt1 COMMENT = 'srv \"backend1\"', PARTITION pt2 COMMENT = 'srv \"backend2\"')") !=
          std::string::npos);
    auto db = fresh_front();
    const char* engine_sql = "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'";
    const char* indexes_sql =
        "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'";
    CHECK(db.scalar(engine_sql) == "SPIDER");
    CHECK(db.scalar(indexes_sql) == "1");  // the primary key; secondary indexes live on the backends
    CHECK(db.scalar("SELECT PARTITION_EXPRESSION FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND "
                    "TABLE_NAME = 'users' AND PARTITION_NAME = 'pt1'") == "`id`");
    db.verify<User>();  // the model and the Spider table agree
    for (const std::string& url : cluster::backend_urls()) {
        sluice::session backend(url);
        CHECK(backend.scalar(engine_sql) == "InnoDB");
        CHECK(backend.scalar(indexes_sql) == "3");
        backend.verify<User>();
    }
}

TEST_CASE("spider: insert_many through the front end spreads the rows over both backends") {
    const loaded& data = load_once();
    auto front = cluster::connect(0);
    CHECK(front.query<User>().count() == total_rows);

    // The ids insert_many reported are exactly the ids the front end assigned.
    REQUIRE(data.ids.size() == total_rows);
    std::vector<std::int64_t> reported = data.ids;
    std::sort(reported.begin(), reported.end());
    CHECK(std::adjacent_find(reported.begin(), reported.end()) == reported.end());
    std::vector<std::int64_t> stored;
    for (const auto& [id] : front.query<User>().select(&User::id)) stored.push_back(id);
    std::sort(stored.begin(), stored.end());
    CHECK(stored == reported);

    // Every backend holds a fair share, the shares add up, and no row is on both.
    std::uint64_t sum = 0;
    std::set<std::int64_t> seen;
    std::size_t backend_no = 0;
    for (const std::string& url : cluster::backend_urls()) {
        ++backend_no;
        sluice::session backend(url);
        const std::uint64_t n = backend.query<User>().count();
        MESSAGE("backend" << backend_no << " holds " << n << " of " << total_rows << " rows");
        CHECK(n >= total_rows * 3 / 10);
        CHECK(n <= total_rows * 7 / 10);
        sum += n;
        for (const auto& row : backend.query<User>().select(&User::id)) {
            const std::int64_t id = std::get<0>(row);  // not a structured binding: clang < 16 cannot capture one
            CHECK_MESSAGE(seen.insert(id).second, "id " << id << " on two backends");
        }
    }
    CHECK(sum == total_rows);
}

TEST_CASE("spider: yield_per over the front end equals one ordered query") {
    (void)load_once();
    auto front = cluster::connect(0);

    SUBCASE("primary key order") {
        const auto expected = ids_of(front.query<User>().order_by(&User::id).all());
        REQUIRE(expected.size() == total_rows);
        CHECK(std::is_sorted(expected.begin(), expected.end()));
        const auto got = ids_of(front.query<User>().yield_per(1000));
        CHECK(got.size() == total_rows);
        CHECK(std::adjacent_find(got.begin(), got.end()) == got.end());
        CHECK(got == expected);
    }
    SUBCASE("order_by(age), ties broken by id") {
        const auto all = front.query<User>().order_by(&User::age).all();
        const auto expected = ids_of(all);
        REQUIRE(expected.size() == total_rows);
        CHECK(std::is_sorted(all.begin(), all.end(),
                             [](const User& a, const User& b) { return a.age != b.age ? a.age < b.age : a.id < b.id; }));
        std::vector<std::int64_t> got;
        std::vector<User> rows;
        for (const User& u : front.query<User>().order_by(&User::age).yield_per(1000)) {
            got.push_back(u.id);
            rows.push_back(u);
        }
        CHECK(got == expected);
        CHECK(rows == all);
        CHECK(std::set<std::int64_t>(got.begin(), got.end()).size() == total_rows);
    }
    SUBCASE("a filter, descending order, batches") {
        const auto q = front.query<User>().where(col(&User::age) >= 10).order_by(sluice::desc(&User::created_at));
        const auto expected = ids_of(q.all());
        std::vector<std::int64_t> got;
        for (std::span<const User> batch : q.batches(700)) {
            CHECK(batch.size() <= 700);
            for (const User& u : batch) got.push_back(u.id);
        }
        CHECK(got == expected);
    }
}

// What the backends receive, from their general log. yield_per and batches are asserted bounded:
// every SELECT on users carries a LIMIT of at most one page, so no backend statement can return
// more than a page, whatever the order or filter. Other shapes are reported, not asserted.
TEST_CASE("spider: every page the backends serve is a bounded SELECT") {
    (void)load_once();
    auto front = cluster::connect(0);
    constexpr std::size_t page = 1000;

    struct shape {
        std::string name;
        bool paged;  // asserted: at most `page` rows per backend statement
        std::size_t branches;  // keyset branches per page: the number of ordering keys
        std::function<std::size_t()> run;
    };
    auto scan = [&](const sluice::query<User>& q) {
        std::size_t n = 0;
        for (const User& u : q.yield_per(page)) n += u.id > 0;
        return n;
    };
    const std::vector<shape> shapes{
        {"yield_per(1000) in primary key order", true, 1, [&] { return scan(front.query<User>()); }},
        {"yield_per(1000) ordered by age", true, 2, [&] { return scan(front.query<User>().order_by(&User::age)); }},
        {"yield_per(1000) where age < 5", true, 1, [&] { return scan(front.query<User>().where(col(&User::age) < 5)); }},
        {"yield_per(1000) where age == 3 (an equality on an indexed column)", true, 1,
         [&] { return scan(front.query<User>().where(col(&User::age) == 3)); }},
        {"batches(1000) ordered by created_at descending", true, 2,
         [&] {
             std::size_t n = 0;
             for (std::span<const User> b : front.query<User>().order_by(sluice::desc(&User::created_at)).batches(page)) n += b.size();
             return n;
         }},
        {"partitions(4): count and key probes (LIMIT 1 OFFSET k)", false, 1,
         [&] { return static_cast<std::size_t>(front.query<User>().partitions(4).size()); }},
        {"count()", false, 1, [&] { return static_cast<std::size_t>(front.query<User>().count()); }},
    };
    for (const shape& s : shapes) {
        CAPTURE(s.name);
        std::size_t rows = 0;
        const auto log = with_backend_log([&] { rows = s.run(); });
        CHECK(rows > 0);
        std::size_t selects = 0, unbounded = 0;
        std::uint64_t largest = 0;
        std::map<std::size_t, std::size_t> per_backend;
        for (const auto& st : log) {
            if (!is_select_on_users(st.sql)) continue;
            ++selects;
            ++per_backend[st.backend];
            const auto n = limit_of(st.sql);
            if (!n) {
                ++unbounded;
                if (s.paged) MESSAGE("unbounded statement on backend" << st.backend << ": " << st.sql.substr(0, 400));
                continue;
            }
            largest = std::max(largest, *n);
        }
        MESSAGE(s.name << ": " << rows << " through the front end; the backends received " << selects << " SELECTs on users ("
                       << per_backend[1] << " + " << per_backend[2] << "), largest LIMIT (offset + count) " << largest << ", "
                       << unbounded << " without LIMIT; for example:\n"
                       << sample(log));
        if (!s.paged) continue;
        CHECK(selects > 0);
        CHECK(per_backend[1] > 0);
        CHECK(per_backend[2] > 0);
        CHECK(unbounded == 0);
        // Each backend statement returns at most one page...
        CHECK(largest <= page);
        // ...and each page is at most one statement per keyset branch per backend (the key
        // columns: two for order_by(age) + id), not one per row.
        CHECK(selects <= 2 * s.branches * (rows / page + 2));
    }
}

// Not a sluice bug: documents why create_spider_table() leaves secondary indexes off the front end.
TEST_CASE("spider: with secondary indexes on the front end, Spider drops an equality filter under ORDER BY ... LIMIT") {
    auto front = fresh_front({.partitioning = {}, .front_end_indexes = true});
    const auto users = oracle::random_users(2000, 23);
    front.insert_many(users);
    const auto q = front.query<User>().where(col(&User::age) == 3);
    const auto matching = q.count();
    REQUIRE(matching > 60);
    std::size_t got = 0;
    const auto log = with_backend_log([&] { got = q.order_by(&User::id).limit(50).all().size(); });
    MESSAGE("with front-end indexes, WHERE age = 3 ORDER BY id LIMIT 50 returned " << got << " of " << matching
                                                                                   << " matching rows; the backends received:\n"
                                                                                   << sample(log, 2));
    WARN_MESSAGE(got == 50, "MariaDB Spider wrong result with a secondary index on the front end: see tests/cluster/spider.hpp");
    // Without them (create_spider_table's default) the same query is right.
    auto plain = fresh_front();
    plain.insert_many(users);
    CHECK(plain.query<User>().where(col(&User::age) == 3).order_by(&User::id).limit(50).all().size() == 50);
}

TEST_CASE("spider: partitions(4) through the front end cover every row once") {
    (void)load_once();
    auto front = cluster::connect(0);
    const std::uint64_t total = front.query<User>().count();
    const auto parts = front.query<User>().partitions(4);
    REQUIRE(parts.size() == 4);
    std::uint64_t sum = 0;
    std::set<std::int64_t> seen;
    for (const auto& part : parts) {
        const std::uint64_t n = part.count();
        sum += n;
        CHECK(n >= total / 4 - 1);
        CHECK(n <= total / 4 + 1);
        for (const auto& [id] : part.select(&User::id)) CHECK(seen.insert(id).second);
    }
    CHECK(sum == total);
    CHECK(seen.size() == total);

    // The parts scanned at once, each on its own front-end session.
    sluice::pool pool(cluster::url(0), 4);
    std::mutex m;
    std::multiset<std::int64_t> scanned;
    sluice::parallel_for_each(pool, parts, 500, [&](const User& u) {
        std::lock_guard lock(m);
        scanned.insert(u.id);
    });
    CHECK(scanned.size() == total);
    CHECK(std::set<std::int64_t>(scanned.begin(), scanned.end()).size() == total);
}

TEST_CASE("spider: update_in_batches through the front end changes the rows on the backends") {
    (void)load_once();
    auto front = cluster::connect(0);
    const auto q = front.query<User>().where(col(&User::age) == 3);
    const std::uint64_t matching = q.count();
    REQUIRE(matching > 0);
    CHECK(q.update_in_batches(250, sluice::set(&User::bio, "spider batch")) == matching);
    CHECK(front.query<User>().where(col(&User::bio) == "spider batch").count() == matching);
    std::uint64_t on_backends = 0;
    for (const std::string& url : cluster::backend_urls())
        on_backends += sluice::session(url).query<User>().where(col(&User::bio) == "spider batch").count();
    CHECK(on_backends == matching);
}

TEST_CASE("spider: range sharding puts each key range on its backend") {
    auto front = fresh_front({.partitioning = "PARTITION BY RANGE (`id`) (PARTITION pt1 VALUES LESS THAN (1001) COMMENT = 'srv \"backend1\"', "
                                              "PARTITION pt2 VALUES LESS THAN MAXVALUE COMMENT = 'srv \"backend2\"')",
                              .front_end_indexes = false});
    auto users = oracle::random_users(2000, 11);
    for (std::size_t i = 0; i < users.size(); ++i) users[i].id = static_cast<std::int64_t>(i + 1);
    CHECK(front.insert_many(users) == 2000);
    sluice::session b1(cluster::url(1)), b2(cluster::url(2));
    CHECK(b1.query<User>().count() == 1000);
    CHECK(b1.query<User>().where(col(&User::id) > 1000).count() == 0);
    CHECK(b2.query<User>().count() == 1000);
    CHECK(b2.query<User>().where(col(&User::id) <= 1000).count() == 0);
    // A scan over the boundary, and a page that starts on one backend and ends on the other.
    const auto got = ids_of(front.query<User>().where(col(&User::id) > 500).yield_per(300));
    CHECK(got.size() == 1500);
    CHECK(std::is_sorted(got.begin(), got.end()));
    // Generated ids continue after the largest existing one, wherever it lives.
    User extra = oracle::random_users(1, 12)[0];
    front.insert(extra);
    CHECK(extra.id == 2001);
    CHECK(b2.get<User>(extra.id).has_value());
}

TEST_CASE("spider: concurrent inserts through the front end get distinct ids") {
    auto front = fresh_front();
    sluice::pool pool(cluster::url(0), 4);
    std::mutex m;
    std::vector<std::int64_t> ids;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            auto db = pool.acquire();
            for (User u : oracle::random_users(250, static_cast<unsigned>(100 + t))) {
                db->insert(u);
                std::lock_guard lock(m);
                ids.push_back(u.id);
            }
        });
    for (auto& th : threads) th.join();
    CHECK(ids.size() == 1000);
    CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == 1000);
    CHECK(front.query<User>().count() == 1000);
}

TEST_CASE("spider: no savepoints, so nested transactions are flat and insert_many inside one says what it undid") {
    auto front = fresh_front();
    {
        auto tx = front.transaction();
        User first = oracle::random_users(1, 2)[0];
        front.insert(first);  // once a Spider table is part of the transaction, SAVEPOINT is refused
        CHECK_THROWS_WITH_AS(front.execute("SAVEPOINT probe"), doctest::Contains("doesn't support SAVEPOINT"), sluice::statement_error);
        // insert_many's nested transaction is flat: a success is part of the caller's transaction...
        CHECK(front.insert_many(oracle::random_users(5, 3)) == 5);
        CHECK(front.query<User>().count() == 6);
        tx.commit();
    }
    CHECK(front.query<User>().count() == 6);
    {
        // ...and a failure cannot be undone alone: the caller's transaction goes, and says so.
        auto tx = front.transaction();
        front.insert(oracle::random_users(1, 4)[0]);
        auto bad = oracle::random_users(3, 5);
        bad[0].id = bad[2].id = 1000;  // a duplicate key in the third row
        CHECK_THROWS_WITH_AS(front.insert_many(bad), doctest::Contains("the enclosing transaction is rolled back with it"),
                             sluice::statement_error);
        CHECK(front.in_transaction());
        // A retry_transaction nested here runs in the replacement transaction, once, and is
        // rolled back with it: nothing is committed behind the caller's back.
        CHECK(front.retry_transaction([&] { return front.insert_many(oracle::random_users(2, 7)); }) == 2);
        CHECK_THROWS_WITH_AS(tx.commit(), doctest::Contains("a nested transaction rolled back"), sluice::error);
        CHECK_FALSE(front.in_transaction());
    }
    CHECK(front.query<User>().count() == 6);
    // Outside a transaction insert_many has its own, and a failing chunk still rolls back the call.
    auto dup = oracle::random_users(5, 6);
    dup[1].id = dup[4].id = 2000;
    CHECK_THROWS_WITH_AS(front.insert_many(dup), doctest::Contains("nothing of this call was written"), sluice::statement_error);
    CHECK(front.query<User>().count() == 6);
}

// MariaDB 10.11 Spider bugs that sluice users would meet, and what sluice does instead: the raw
// statements show the bug (reported as messages: they are Spider's to fix), the checks are
// sluice's results.
TEST_CASE("spider: composite keys page and split exactly, where the expanded keyset predicate would repeat rows") {
    using models::OrgMembership;
    auto front = cluster::connect(0);
    cluster::create_spider_table<OrgMembership>(front, cluster::backend_urls());
    std::vector<OrgMembership> rows;
    for (std::int64_t org = 1; org <= 6; ++org)
        for (std::int64_t user = 1; user <= 7; ++user) rows.push_back({org, user * 10, "member", std::nullopt});
    front.insert_many(rows);
    // The expanded predicate `org_id >= 2 AND (org_id > 2 OR (org_id = 2 AND user_id > 30))` is
    // the ranges (2,30)..(2,+inf) and (3,-inf)..; Spider sends the second one without its bound
    // (`where <the whole predicate> order by ... limit 5` again), so the page repeats (2,40) and
    // skips (2,50)..(2,70). sluice's spider dialect reads branch by branch (org_id = 2 AND
    // user_id > 30, then org_id > 2), one range each, and bounds key ranges by row constructors.
    const auto expanded = front.rows(
        "SELECT org_id, user_id FROM org_membership WHERE org_id >= 2 AND (org_id > 2 OR (org_id = 2 AND user_id > 30)) "
        "ORDER BY org_id, user_id LIMIT 5");
    const auto row_constructor =
        front.rows("SELECT org_id, user_id FROM org_membership WHERE (org_id, user_id) > (2, 30) ORDER BY org_id, user_id LIMIT 5");
    std::string got;
    for (const auto& r : expanded) got += *r[0] + "/" + *r[1] + " ";
    MESSAGE("the expanded keyset page through Spider: " << got
                                                          << std::string(expanded == row_constructor ? "(right: Spider fixed?)" : "(wrong)"));
    REQUIRE(row_constructor.size() == 5);
    CHECK(*row_constructor[0][1] == "40");
    CHECK(*row_constructor[4][0] == "3");

    for (std::size_t n : {1, 2, 5, 7, 100}) {
        CAPTURE(n);
        std::vector<OrgMembership> scanned;
        for (const OrgMembership& m : front.query<OrgMembership>().yield_per(n)) scanned.push_back(m);
        CHECK(scanned == rows);
        std::vector<OrgMembership> descending;
        for (const OrgMembership& m : front.query<OrgMembership>().order_by(sluice::desc(&OrgMembership::org_id)).yield_per(n))
            descending.push_back(m);
        CHECK(descending == std::vector<OrgMembership>(rows.rbegin(), rows.rend()));
    }
    for (std::size_t k : {2, 3, 4, 7}) {
        CAPTURE(k);
        std::vector<OrgMembership> parts_rows;
        for (const auto& part : front.query<OrgMembership>().partitions(k)) {
            CHECK(part.count() == part.all().size());
            for (const OrgMembership& m : part.yield_per(3)) parts_rows.push_back(m);
        }
        std::sort(parts_rows.begin(), parts_rows.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.org_id, a.user_id) < std::tie(b.org_id, b.user_id); });
        CHECK(parts_rows == rows);
    }
    CHECK(front.query<OrgMembership>().where(col(&OrgMembership::user_id) > 40).remove_in_batches(4) == 6 * 3);
    CHECK(front.query<OrgMembership>().count() == 6 * 4);
}

TEST_CASE("spider: DELETE counts are right through sluice, though a raw DELETE reports 0") {
    auto front = fresh_front();
    std::vector<User> users = oracle::random_users(20, 5);
    for (std::size_t i = 0; i < users.size(); ++i) users[i].id = static_cast<std::int64_t>(i + 1);
    front.insert_many(users);
    // Spider pushes a single-table DELETE down whole (Spider_direct_delete) and reports 0 rows.
    const std::uint64_t raw = front.execute("DELETE FROM users WHERE id = ?", users[19].id);
    MESSAGE("a raw single-table DELETE of 1 row through Spider reports " << raw << " row(s)");
    CHECK(front.query<User>().count() == 19);  // the delete did happen
    // sluice's DELETEs on a SPIDER table use the multi-table form, which is never pushed down.
    CHECK(front.remove(users[0]));
    CHECK_FALSE(front.remove(users[0]));
    CHECK(front.query<User>().where(col(&User::id) <= 5).remove() == 4);
    CHECK(front.query<User>().where(col(&User::id) > 15).update(sluice::set(&User::bio, "u")) == 4);
    CHECK(front.query<User>().where(col(&User::id) > 10).remove_in_batches(2) == 9);
    CHECK(front.query<User>().count() == 5);
}

// A Spider limitation with no workaround on the client: documented, and held to its bound.
TEST_CASE("spider: FLOAT values cross to the backends with 6 significant digits; DOUBLE is exact") {
    using models::AllTypes;
    auto front = cluster::connect(0);
    cluster::create_spider_table<AllTypes>(front, cluster::backend_urls());
    // Spider writes a FLOAT as to_float(<%g literal>), a function scripts/cluster defines on the
    // backends; 1.0000001 does not survive that.
    AllTypes row{};
    row.f32 = 1.0000001f;
    row.f64 = 1.0000000000000002;
    row.at = support::at(2024, 1, 1);
    row.day = std::chrono::year{2024} / 1 / 1;
    front.insert(row);
    const auto back = front.get<AllTypes>(row.id);
    REQUIRE(back);
    MESSAGE("FLOAT 1.0000001 came back as " << back->f32 << std::string(back->f32 == row.f32 ? " (exact: Spider fixed?)" : ""));
    CHECK(back->f64 == row.f64);
    CHECK(back->f32 == doctest::Approx(row.f32).epsilon(1e-5));
}

}  // TEST_SUITE("spider")
