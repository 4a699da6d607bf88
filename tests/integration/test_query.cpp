// Every query result equals the same filter applied in C++ to the inserted rows.
#include <doctest/doctest.h>

#include "../oracle.hpp"

using models::User;
using sluice::col;
using sluice::desc;

namespace {

struct fixture {
    sluice::session db = support::fresh<User>();
    std::vector<User> users = oracle::random_users(400);
    fixture() {
        auto tx = db.transaction();
        for (User& u : users) db.insert(u);
        tx.commit();
    }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "where: each operator agrees with C++ on data with NULLs and ties") {
    struct check_case {
        const char* what;
        sluice::predicate<User> where;
        std::function<bool(const User&)> keep;
    };
    const auto cutoff = support::at(2021, 6, 1);
    const std::vector<check_case> cases = {
        {"==", col(&User::age) == 7, [](const User& u) { return u.age == 7; }},
        {"!=", col(&User::age) != 7, [](const User& u) { return u.age != 7; }},
        {"<", col(&User::age) < 5, [](const User& u) { return u.age < 5; }},
        {"<=", col(&User::score) <= 0.5, [](const User& u) { return u.score <= 0.5; }},
        {">", col(&User::created_at) > cutoff, [&](const User& u) { return u.created_at > cutoff; }},
        {">=", col(&User::name) >= "bob", [](const User& u) { return u.name >= "bob"; }},
        {"text == sql-looking", col(&User::name) == "x' OR '1'='1", [](const User& u) { return u.name == "x' OR '1'='1"; }},
        {"nullable ==", col(&User::bio) == "ada bio", [](const User& u) { return u.bio == "ada bio"; }},
        {"nullable != excludes NULL", col(&User::bio) != "ada bio", [](const User& u) { return u.bio && *u.bio != "ada bio"; }},
        {"column < column", col(&User::age) < col(&User::score), [](const User& u) { return u.age < u.score; }},
        {"like prefix", col(&User::name).like("a%"), [](const User& u) { return oracle::like(u.name, "a%"); }},
        {"like is case-sensitive", col(&User::name).like("G%"), [](const User& u) { return oracle::like(u.name, "G%"); }},
        {"like one char", col(&User::name).like("_ob"), [](const User& u) { return oracle::like(u.name, "_ob"); }},
        {"like escaped", col(&User::name).like(sluice::like_escape("a_") + "%"), [](const User& u) { return u.name.starts_with("a_"); }},
        {"like escaped %", col(&User::name).like(sluice::like_escape("50%")), [](const User& u) { return u.name == "50%"; }},
        {"in", col(&User::age).in(std::vector<int>{1, 3, 19}), [](const User& u) { return u.age == 1 || u.age == 3 || u.age == 19; }},
        {"in strings", col(&User::name).in(std::vector<std::string>{"ada", "zed"}), [](const User& u) { return u.name == "ada" || u.name == "zed"; }},
        {"in empty", col(&User::age).in(std::vector<int>{}), [](const User&) { return false; }},
        {"between", col(&User::age).between(5, 9), [](const User& u) { return u.age >= 5 && u.age <= 9; }},
        {"is_null", col(&User::bio).is_null(), [](const User& u) { return !u.bio; }},
        {"is_not_null", col(&User::bio).is_not_null(), [](const User& u) { return u.bio.has_value(); }},
        {"and", col(&User::age) > 3 && col(&User::age) < 8, [](const User& u) { return u.age > 3 && u.age < 8; }},
        {"or", col(&User::age) == 1 || col(&User::name) == "zed", [](const User& u) { return u.age == 1 || u.name == "zed"; }},
        {"precedence", (col(&User::age) < 3 || col(&User::age) > 16) && col(&User::bio).is_null(),
         [](const User& u) { return (u.age < 3 || u.age > 16) && !u.bio; }},
        {"not", !(col(&User::age) < 10 || col(&User::bio).is_null()), [](const User& u) { return !(u.age < 10 || !u.bio); }},
    };
    for (const check_case& c : cases) {
        CAPTURE(c.what);
        const auto expected = oracle::by_id(oracle::filtered(users, c.keep));
        const auto q = db.query<User>().where(c.where);
        CHECK(oracle::by_id(q.all()) == expected);
        CHECK(q.count() == expected.size());
        CHECK(q.exists() == !expected.empty());
    }
}

TEST_CASE_FIXTURE(fixture, "order_by: keys, directions and the primary key tiebreak") {
    auto expected = users;
    std::sort(expected.begin(), expected.end(), [](const User& a, const User& b) {
        if (a.age != b.age) return a.age < b.age;
        if (a.name != b.name) return a.name > b.name;
        return a.id < b.id;
    });
    CHECK(db.query<User>().order_by(&User::age).order_by(desc(&User::name)).all() == expected);

    auto by_created = users;
    std::sort(by_created.begin(), by_created.end(), [](const User& a, const User& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    CHECK(db.query<User>().order_by(desc(&User::created_at)).all() == by_created);

    // NULLs sort first ascending on both backends.
    const auto by_bio = db.query<User>().order_by(&User::bio).all();
    REQUIRE(!by_bio.empty());
    CHECK_FALSE(by_bio.front().bio.has_value());
    CHECK(by_bio.back().bio.has_value());
}

TEST_CASE_FIXTURE(fixture, "limit, offset, first, count of a limited query") {
    auto ordered = oracle::by_id(users);
    const auto q = db.query<User>().order_by(&User::id);
    const auto page = q.limit(10).offset(20).all();
    CHECK(page == std::vector<User>(ordered.begin() + 20, ordered.begin() + 30));
    CHECK(q.offset(395).all().size() == 5);
    CHECK(q.limit(10).offset(395).count() == 5);
    CHECK(q.limit(0).all().empty());
    CHECK_FALSE(q.limit(0).exists());
    CHECK(q.first() == ordered.front());
    CHECK(db.query<User>().order_by(desc(&User::id)).first() == ordered.back());
    CHECK_FALSE(db.query<User>().where(col(&User::age) > 100).first().has_value());
}

TEST_CASE_FIXTURE(fixture, "a query is a value: refining it leaves the base unchanged") {
    const auto base = db.query<User>().where(col(&User::age) >= 10);
    const auto narrower = base.where(col(&User::age) < 12);
    const auto expected_base = oracle::filtered(users, [](const User& u) { return u.age >= 10; });
    const auto expected_narrow = oracle::filtered(users, [](const User& u) { return u.age >= 10 && u.age < 12; });
    CHECK(narrower.count() == expected_narrow.size());
    CHECK(base.count() == expected_base.size());
}

TEST_CASE_FIXTURE(fixture, "select returns just the named columns") {
    const auto rows = db.query<User>().where(col(&User::age) == 4).order_by(&User::id).select(&User::id, &User::name, &User::bio);
    const auto expected = oracle::by_id(oracle::filtered(users, [](const User& u) { return u.age == 4; }));
    REQUIRE(rows.size() == expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(std::get<0>(rows[i]) == expected[i].id);
        CHECK(std::get<1>(rows[i]) == expected[i].name);
        CHECK(std::get<2>(rows[i]) == expected[i].bio);
    }
}

TEST_CASE_FIXTURE(fixture, "update and remove touch exactly the matching rows") {
    const auto matching = oracle::filtered(users, [](const User& u) { return u.age == 3 && !u.bio; });
    const std::uint64_t updated =
        db.query<User>().where(col(&User::age) == 3 && col(&User::bio).is_null()).update(sluice::set(&User::bio, "filled"), sluice::set(&User::score, 1.5));
    CHECK(updated == matching.size());
    for (const User& u : users) {
        const auto now = db.get<User>(u.id);
        REQUIRE(now);
        const bool touched = u.age == 3 && !u.bio;
        CHECK(now->bio == (touched ? std::optional<std::string>("filled") : u.bio));
        CHECK(now->score == (touched ? 1.5 : u.score));
    }
    const auto to_remove = oracle::filtered(users, [](const User& u) { return u.age > 15; });
    CHECK(db.query<User>().where(col(&User::age) > 15).remove() == to_remove.size());
    CHECK(db.query<User>().count() == users.size() - to_remove.size());
    CHECK(db.query<User>().where(col(&User::age) > 15).count() == 0);
    CHECK(db.query<User>().where(col(&User::bio) == "nobody").update(sluice::set(&User::bio, std::nullopt)) == 0);
}

TEST_CASE_FIXTURE(fixture, "update and remove refuse limit and offset instead of ignoring them") {
    CHECK_THROWS_WITH_AS(db.query<User>().limit(5).remove(), doctest::Contains("users: remove() applies to every row"), sluice::error);
    CHECK_THROWS_AS(db.query<User>().offset(5).update(sluice::set(&User::age, 1)), sluice::error);
    CHECK(db.query<User>().count() == users.size());
}

TEST_CASE("values that look like SQL round-trip and match themselves in where()") {
    auto db = support::fresh<User>();
    using namespace std::string_literals;
    const std::vector<std::string> tricky = {"x' OR '1'='1", "back\\slash", "`tick`", ":name", "?", "nul\0byte"s,
                                             "\xF0\x9F\x98\x80 4-byte", "%", "_", "'; DELETE FROM users; --"};
    for (const std::string& s : tricky) {
        User u{0, s, 1, 0, support::at(2024, 1, 1), s};
        db.insert(u);
    }
    for (const std::string& s : tricky) {
        CAPTURE(s);
        const auto found = db.query<User>().where(col(&User::name) == s && col(&User::bio) == s).all();
        REQUIRE(found.size() == 1);
        CHECK(found[0].name == s);
        CHECK(db.query<User>().where(col(&User::name).like(sluice::like_escape(s))).count() == 1);
    }
    CHECK(db.query<User>().count() == tricky.size());
}

TEST_CASE("SLUICE-style echo: on_statement reports the query with its bound values") {
    auto db = support::fresh<User>();
    std::vector<sluice::statement_event> seen;
    std::vector<std::string> sql;
    std::vector<std::vector<std::string>> values;
    db.on_statement([&](const sluice::statement_event& e) {
        sql.emplace_back(e.sql);
        values.emplace_back(e.values.begin(), e.values.end());
        CHECK(e.elapsed.count() >= 0);
    });
    (void)db.query<User>().where(col(&User::name) == "o'brien" && col(&User::age) > 3).count();
    REQUIRE(sql.size() == 1);
    CHECK(sql[0].find("COUNT(*)") != std::string::npos);
    CHECK(values[0] == std::vector<std::string>{"'o'brien'", "3"});
}
