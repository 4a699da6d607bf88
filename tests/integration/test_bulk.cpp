// insert_many and upsert_many: lazy input, chunking, all-or-nothing, generated ids.
#include <doctest/doctest.h>

#include "../lazy_rows.hpp"
#include "../oracle.hpp"

using models::OrgMembership;
using models::User;
using sluice::col;

namespace {

User generated(std::int64_t i) {
    return User{0, "user " + std::to_string(i), static_cast<std::int32_t>(i % 90), static_cast<double>(i) / 4,
                support::at(2024, 1, 1) + std::chrono::seconds{i}, i % 3 ? std::optional<std::string>("bio") : std::nullopt};
}

auto generated_users(std::int64_t n) { return support::map_iota(std::int64_t{0}, n, generated); }

}  // namespace

TEST_CASE("insert_many consumes a lazy view in chunks; counts and contents match at chunk edges") {
    const std::size_t chunk = 64;
    for (std::int64_t n : {0L, 1L, 63L, 64L, 65L, 1000L}) {
        CAPTURE(n);
        auto db = support::fresh<User>();
        CHECK(db.insert_many(generated_users(n), {.chunk_rows = chunk}) == static_cast<std::uint64_t>(n));
        const auto rows = db.query<User>().order_by(&User::id).all();
        REQUIRE(rows.size() == static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) {
            User expected = generated(i);
            expected.id = rows[static_cast<std::size_t>(i)].id;
            CHECK(rows[static_cast<std::size_t>(i)] == expected);
        }
    }
}

TEST_CASE("explicit keys are kept, unset ones generated, in one call") {
    auto db = support::fresh<User>();
    std::vector<User> users = {generated(1), generated(2), generated(3)};
    users[1].id = 500;
    CHECK(db.insert_many(users) == 3);
    CHECK(db.get<User>(500)->name == "user 2");
    CHECK(db.query<User>().count() == 3);
}

TEST_CASE("a failure in a later chunk leaves nothing of the call, and names the row") {
    auto db = support::fresh<User>();
    User existing = generated(0);
    existing.id = 777;
    db.insert(existing);
    auto rows = support::map_iota(std::int64_t{0}, std::int64_t{300}, [](std::int64_t i) {
        User u = generated(i);
        if (u.name == "user 250") u.id = 777;  // duplicate key, in the fourth chunk
        return u;
    });
    CHECK_THROWS_WITH_AS(db.insert_many(rows, {.chunk_rows = 64}),
                         doctest::Contains("users: insert_many failed at row 250 of the input; nothing of this call was written"),
                         sluice::statement_error);
    CHECK(db.query<User>().count() == 1);
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("inside the caller's transaction a failed insert_many undoes only itself") {
    auto db = support::fresh<User>();
    auto tx = db.transaction();
    User first = generated(0);
    db.insert(first);
    std::vector<User> bad = {generated(1), generated(2)};
    bad[1].id = first.id;
    if (!support::has_savepoints()) {
        // No savepoint to undo the call alone: the caller's transaction goes with it, and says so.
        CHECK_THROWS_WITH_AS(db.insert_many(bad), doctest::Contains("the enclosing transaction is rolled back with it"),
                             sluice::statement_error);
        // Still in a (replacement) transaction: later writes are not committed piecemeal.
        CHECK(db.in_transaction());
        CHECK(db.insert_many(generated_users(5)) == 5);
        CHECK_THROWS_WITH_AS(tx.commit(), doctest::Contains("a nested transaction rolled back"), sluice::error);
        CHECK_FALSE(db.in_transaction());
        CHECK(db.query<User>().count() == 0);
        return;
    }
    CHECK_THROWS_AS(db.insert_many(bad), sluice::statement_error);
    CHECK(db.insert_many(generated_users(5)) == 5);
    tx.commit();
    CHECK(db.query<User>().count() == 6);
}

TEST_CASE("a value the backend cannot hold fails the call, naming row and column") {
    auto db = support::fresh<models::AllTypes>();
    std::vector<models::AllTypes> rows(5);
    rows[3].at = support::at(support::is_sqlite() ? -5 : 500, 1, 1);
    CHECK_THROWS_WITH_AS(db.insert_many(rows), doctest::Contains("all_types.at (datetime), row 3 of the input"), sluice::conversion_error);
    CHECK(db.query<models::AllTypes>().count() == 0);
}

TEST_CASE("upsert_many inserts new keys and updates existing ones") {
    auto db = support::fresh<OrgMembership>();
    std::vector<OrgMembership> rows;
    for (std::int64_t i = 0; i < 10; ++i) rows.push_back({1, i, "member", std::nullopt});
    CHECK(db.upsert_many(rows) == 10);
    for (auto& r : rows) r.role = r.user_id % 2 ? "admin" : "member";
    rows.push_back({2, 0, "new", std::nullopt});
    CHECK(db.upsert_many(rows, {.chunk_rows = 3}) == 11);
    CHECK(db.query<OrgMembership>().count() == 11);
    CHECK(db.query<OrgMembership>().where(col(&OrgMembership::role) == "admin").count() == 5);
}

TEST_CASE("large rows are split by the packet budget, not only by row count") {
    auto db = support::fresh<User>();
    // 80 rows of 1 MiB: above MariaDB's 64 MiB max_allowed_packet in one statement.
    auto rows = support::map_iota(0, 80, [](int i) {
        User u = generated(i);
        u.name = std::string(1 << 20, static_cast<char>('a' + i % 26));
        return u;
    });
    std::size_t statements = 0;
    db.on_statement([&](const sluice::statement_event& e) { statements += e.sql.starts_with("INSERT") ? 1 : 0; });
    CHECK(db.insert_many(rows) == 80);
    CHECK(db.query<User>().where(col(&User::name) == std::string(1 << 20, 'c')).count() == 3);  // i = 2, 28, 54
    MESSAGE("80 rows of 1 MiB took " << statements << " INSERT statements");
    if (!support::is_sqlite()) CHECK(statements >= 2);
}

TEST_CASE("ids: every inserted row's key, in input order, generated or given") {
    auto db = support::fresh<User>();
    std::vector<std::int64_t> ids;
    CHECK(db.insert_many(generated_users(130), {.chunk_rows = 50, .ids = &ids}) == 130);
    REQUIRE(ids.size() == 130);
    for (std::size_t i = 0; i < ids.size(); i += 13) CHECK(db.get<User>(ids[i])->name == "user " + std::to_string(i));

    std::vector<User> mixed = {generated(1000), generated(1001), generated(1002)};
    mixed[1].id = 90000;
    std::vector<std::int64_t> mixed_ids;
    db.insert_many(mixed, {.ids = &mixed_ids});
    REQUIRE(mixed_ids.size() == 3);
    CHECK(mixed_ids[1] == 90000);
    CHECK(db.get<User>(mixed_ids[0])->name == "user 1000");
    CHECK(db.get<User>(mixed_ids[2])->name == "user 1002");
}

TEST_CASE("rows near the backend's size limits round-trip; the packet budget splits statements") {
    auto db = support::fresh<User>();
    // MEDIUMTEXT holds 16 MiB; five 15 MiB rows exceed MariaDB's 64 MiB max_allowed_packet together.
    const std::size_t big = 15u << 20;
    auto rows = support::map_iota(0, 5, [&](int i) {
        User u = generated(i);
        u.name.assign(big, static_cast<char>('k' + i));
        return u;
    });
    std::size_t statements = 0;
    db.on_statement([&](const sluice::statement_event& e) { statements += e.sql.starts_with("INSERT") ? 1 : 0; });
    std::vector<std::int64_t> ids;
    CHECK(db.insert_many(rows, {.ids = &ids}) == 5);
    db.on_statement(nullptr);
    for (int i = 0; i < 5; ++i) {
        const auto back = db.get<User>(ids[static_cast<std::size_t>(i)]);
        REQUIRE(back);
        CHECK(back->name.size() == big);
        CHECK(back->name.front() == static_cast<char>('k' + i));
        CHECK(back->name.back() == static_cast<char>('k' + i));
    }
    // Two statements where one INSERT's ids are known to be evenly spaced; one per row otherwise
    // (innodb_autoinc_lock_mode 2, as on Galera).
    if (!support::is_sqlite()) CHECK((statements == 2 || statements == 5));
}

TEST_CASE("ids follow auto_increment_increment (replication setups step by more than 1)") {
    if (support::is_sqlite()) return;  // SQLite rowids always step by 1
    auto db = support::fresh<User>();
    db.execute("SET SESSION auto_increment_increment = 3");
    std::vector<std::int64_t> ids;
    db.insert_many(generated_users(7), {.ids = &ids});
    REQUIRE(ids.size() == 7);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        CAPTURE(i);
        REQUIRE(db.get<User>(ids[i]));
        CHECK(db.get<User>(ids[i])->name == "user " + std::to_string(i));
    }
    CHECK(ids[1] - ids[0] == 3);
}
