// partitions(k) and parallel_for_each.
#include <doctest/doctest.h>

#include <mutex>
#include <set>

#include <sluice/parallel.hpp>

#include "../oracle.hpp"

using models::OrgMembership;
using models::User;
using sluice::col;

namespace {

// Dense ids, then huge gaps: min/max arithmetic would put almost everything in one part.
std::vector<User> gappy(sluice::session& db) {
    std::vector<User> users = oracle::random_users(300, 47);
    for (std::size_t i = 0; i < users.size(); ++i)
        users[i].id = i < 250 ? static_cast<std::int64_t>(i + 1) : static_cast<std::int64_t>(1'000'000'000LL * static_cast<std::int64_t>(i - 249));
    db.insert_many(users);
    return users;
}

template <class T> std::vector<std::int64_t> ids_of(const std::vector<T>& rows) {
    std::vector<std::int64_t> ids;
    for (const T& r : rows) ids.push_back(r.id);
    return ids;
}

}  // namespace

TEST_CASE("partitions cover every matching row exactly once, in balanced parts, whatever the key gaps") {
    auto db = support::fresh<User>();
    const auto users = gappy(db);
    for (std::size_t k : {1u, 2u, 3u, 4u, 7u}) {
        CAPTURE(k);
        const auto parts = db.query<User>().partitions(k);
        REQUIRE(parts.size() == k);
        std::multiset<std::int64_t> seen;
        for (const auto& part : parts) {
            const auto rows = part.all();
            CHECK(rows.size() >= 300 / k - 1);
            CHECK(rows.size() <= 300 / k + 1);
            for (const User& u : rows) seen.insert(u.id);
        }
        CHECK(seen.size() == 300);
        CHECK(std::set<std::int64_t>(seen.begin(), seen.end()).size() == 300);
    }
    // With a filter: the parts partition the filtered rows.
    const auto filtered = db.query<User>().where(col(&User::age) < 7);
    std::uint64_t total = 0;
    for (const auto& part : filtered.partitions(3)) total += part.count();
    CHECK(total == filtered.count());
    // More parts than rows: the extra parts are empty.
    auto small = support::fresh<User>();
    small.insert_many(oracle::random_users(3, 1));
    std::uint64_t small_total = 0;
    for (const auto& part : small.query<User>().partitions(5)) small_total += part.count();
    CHECK(small_total == 3);
    CHECK_THROWS_AS(small.query<User>().limit(2).partitions(2), sluice::error);
}

TEST_CASE("composite keys are split on the whole key") {
    auto db = support::fresh<OrgMembership>();
    std::vector<OrgMembership> rows;
    for (std::int64_t org = 1; org <= 3; ++org)  // few orgs, many users: splits fall inside an org
        for (std::int64_t user = 1; user <= 40; ++user) rows.push_back({org, user, "member", std::nullopt});
    db.insert_many(rows);
    std::set<std::pair<std::int64_t, std::int64_t>> seen;
    for (const auto& part : db.query<OrgMembership>().partitions(4)) {
        const auto got = part.all();
        CHECK(got.size() == 30);
        for (const auto& m : got) CHECK(seen.insert({m.org_id, m.user_id}).second);
    }
    CHECK(seen.size() == 120);
}

TEST_CASE("parallel_for_each runs each part on its own session and sees every row once") {
    auto db = support::fresh<User>();
    const auto users = gappy(db);
    sluice::pool pool(support::backend().url, 4);
    std::mutex m;
    std::vector<std::int64_t> seen;
    sluice::parallel_for_each(pool, db.query<User>(), 4, 16, [&](const User& u) {
        std::lock_guard<std::mutex> lock(m);
        seen.push_back(u.id);
    });
    std::sort(seen.begin(), seen.end());
    CHECK(seen == ids_of(oracle::by_id(users)));
    CHECK(pool.open_connections() <= 4);  // fast parts may reuse a session another part returned
}

TEST_CASE("a failing part stops the others; every part resumes from its token; nothing lost or repeated") {
    auto db = support::fresh<User>();
    const auto users = gappy(db);
    const std::int64_t poison = oracle::by_id(users)[160].id;
    sluice::pool pool(support::backend().url, 3);
    const auto parts = db.query<User>().partitions(3);
    std::mutex m;
    std::vector<std::int64_t> done;
    bool fail = true;
    std::vector<std::string> tokens;
    try {
        sluice::parallel_for_each(pool, parts, 8, [&](const User& u) {
            if (u.id == poison && fail) throw std::runtime_error("processing failed");
            std::lock_guard<std::mutex> lock(m);
            done.push_back(u.id);
        });
        FAIL("the poisoned row should have failed its part");
    } catch (const sluice::parallel_error& e) {
        CHECK(std::string(e.what()).find("1 of 3 parts failed") != std::string::npos);
        CHECK(std::string(e.what()).find("processing failed") != std::string::npos);
        tokens = e.resume_tokens();
    }
    REQUIRE(tokens.size() == 3);
    fail = false;
    std::vector<sluice::query<User>> rest;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (!tokens[i].empty()) rest.push_back(parts[i].resume(tokens[i]));
    sluice::parallel_for_each(pool, rest, 8, [&](const User& u) {
        std::lock_guard<std::mutex> lock(m);
        done.push_back(u.id);
    });
    std::sort(done.begin(), done.end());
    CHECK(done == ids_of(oracle::by_id(users)));
}
