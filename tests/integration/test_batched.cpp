// update_in_batches / remove_in_batches.
#include <doctest/doctest.h>

#include <ranges>

#include "../oracle.hpp"

using models::OrgMembership;
using models::User;
using sluice::col;

namespace {

// Users with explicit even ids 1000, 1002, ... so that rows can be added behind the walk.
std::vector<User> seed(sluice::session& db, int n) {
    std::vector<User> users = oracle::random_users(static_cast<std::size_t>(n), 31);
    for (int i = 0; i < n; ++i) users[static_cast<std::size_t>(i)].id = 1000 + 2 * i;
    db.insert_many(users);
    return users;
}

std::vector<std::int32_t> even_ages() { return {0, 2, 4, 6, 8, 10, 12, 14, 16, 18}; }

}  // namespace

TEST_CASE("update_in_batches changes exactly the matching rows, batch by batch") {
    auto db = support::fresh<User>();
    const auto users = seed(db, 500);
    const auto matching = oracle::filtered(users, [](const User& u) { return u.age < 6; });
    std::vector<std::uint64_t> progress;
    const std::uint64_t changed = db.query<User>().where(col(&User::age) < 6).update_in_batches(
        40, sluice::batch_options{.on_batch = [&](const sluice::batch_progress& p) { progress.push_back(p.rows_so_far); }},
        sluice::set(&User::bio, "batched"));
    CHECK(changed == matching.size());
    CHECK(progress.size() == (matching.size() + 39) / 40);
    CHECK(progress.back() == matching.size());
    CHECK(db.query<User>().where(col(&User::bio) == "batched").count() == matching.size());
    CHECK(db.query<User>().where(col(&User::bio) == "batched" && col(&User::age) >= 6).count() == 0);
}

TEST_CASE("remove_in_batches removes the matching rows and leaves rows added behind the walk") {
    auto db = support::fresh<User>();
    const auto users = seed(db, 400);
    const auto matching = oracle::filtered(users, [](const User& u) { return u.age % 2 == 0; });
    auto writer = support::connect();
    std::int64_t behind_id = 1;
    const std::uint64_t removed = db.query<User>().where(col(&User::age).in(even_ages())).remove_in_batches(
        25, {.on_batch = [&](const sluice::batch_progress&) {
            if (behind_id > 3) return;  // the first three batches: the walk goes on after them
            // A matching row behind the walk (a small id) and one far ahead of it.
            User behind = users[0];
            behind.id = behind_id++;
            behind.age = 2;
            writer.insert(behind);
            User ahead = behind;
            ahead.id = 100000 + behind.id;
            writer.insert(ahead);
        }});
    const std::uint64_t behind_rows = static_cast<std::uint64_t>(behind_id - 1);
    REQUIRE(behind_rows == 3);
    CHECK(removed == matching.size() + behind_rows);  // the ahead rows are reached and removed too
    CHECK(db.query<User>().where(col(&User::id) < 1000).count() == behind_rows);  // behind: untouched
    CHECK(db.query<User>().where(col(&User::id) >= 100000).count() == 0);
    CHECK(db.query<User>().count() == users.size() - matching.size() + behind_rows);
}

TEST_CASE("composite keys are walked by ranges of the whole key") {
    auto db = support::fresh<OrgMembership>();
    std::vector<OrgMembership> rows;
    for (std::int64_t org = 1; org <= 9; ++org)
        for (std::int64_t user = 1; user <= 11; ++user) rows.push_back({org, user, user % 3 ? "member" : "admin", std::nullopt});
    db.insert_many(rows);
    CHECK(db.query<OrgMembership>().where(col(&OrgMembership::role) == "member").update_in_batches(7, sluice::set(&OrgMembership::role, "user")) == 9 * 8);
    CHECK(db.query<OrgMembership>().where(col(&OrgMembership::role) == "admin").remove_in_batches(4) == 9 * 3);
    CHECK(db.query<OrgMembership>().count() == 9 * 8);
    CHECK(db.query<OrgMembership>().where(col(&OrgMembership::role) == "user").count() == 9 * 8);
    // A filter the update leaves true: the walk alone must move past each batch, in batches that
    // end inside one org_id and in batches that span several.
    for (std::size_t batch : {4, 13}) {
        const std::string role = "seen " + std::to_string(batch);
        std::vector<std::size_t> sizes;
        const std::uint64_t changed =
            db.query<OrgMembership>()
                .where(col(&OrgMembership::user_id) > 0)
                .update_in_batches(batch, {.on_batch = [&](const sluice::batch_progress& p) { sizes.push_back(p.rows_in_batch); }},
                                   sluice::set(&OrgMembership::role, role));
        CAPTURE(batch);
        CHECK(changed == 9 * 8);
        CHECK(db.query<OrgMembership>().where(col(&OrgMembership::role) == role).count() == 9 * 8);
        CHECK(sizes.size() == (9 * 8 + batch - 1) / batch);
    }
}

TEST_CASE("a failing batch reports its key range; earlier batches stay; the token resumes there") {
    auto db = support::fresh<User>();
    const auto users = seed(db, 120);
    const std::int64_t poisoned = users[70].id;  // in the fourth batch of 20
    db.execute("DROP TRIGGER IF EXISTS refuse_one");
    if (support::is_sqlite())
        db.execute("CREATE TRIGGER refuse_one BEFORE UPDATE ON users WHEN OLD.id = " + std::to_string(poisoned) +
                   " BEGIN SELECT RAISE(ABORT, 'row refused by trigger'); END");
    else
        db.execute("CREATE TRIGGER refuse_one BEFORE UPDATE ON users FOR EACH ROW IF OLD.id = " + std::to_string(poisoned) +
                   " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'row refused by trigger'; END IF");
    sluice::resume_token token;
    try {
        db.query<User>().update_in_batches(20, sluice::set(&User::bio, "done"));
        FAIL("the trigger should have failed a batch");
    } catch (const sluice::batch_error& e) {
        const std::string m = e.what();
        CHECK(m.find("users: update_in_batches: batch failed (keys (id=" + std::to_string(users[60].id) + ") to (id=" +
                     std::to_string(users[79].id) + "))") != std::string::npos);
        CHECK(m.find("earlier batches are committed (60 rows)") != std::string::npos);
        CHECK(m.find("row refused by trigger") != std::string::npos);
        token = e.resume_token();
    }
    CHECK(db.query<User>().where(col(&User::bio) == "done").count() == 60);
    CHECK_FALSE(db.in_transaction());
    db.execute("DROP TRIGGER refuse_one");
    CHECK(db.query<User>().resume(token).update_in_batches(20, sluice::set(&User::bio, "done")) == 120);  // counts from the token
    CHECK(db.query<User>().where(col(&User::bio) == "done").count() == 120);
}

TEST_CASE("batched mutations refuse what they cannot honour") {
    auto db = support::fresh<User>();
    seed(db, 5);
    CHECK_THROWS_WITH_AS(db.query<User>().update_in_batches(10, sluice::set(&User::id, std::int64_t{1})),
                         doctest::Contains("cannot set the primary key column id"), sluice::error);
    CHECK_THROWS_AS(db.query<User>().limit(3).remove_in_batches(10), sluice::error);
    CHECK_THROWS_AS(db.query<User>().remove_in_batches(0), sluice::error);
    {
        auto tx = db.transaction();
        CHECK_THROWS_WITH_AS(db.query<User>().remove_in_batches(10), doctest::Contains("cannot run inside a transaction"), sluice::error);
    }
    CHECK(db.query<User>().count() == 5);
}
