// lib/sql/order_index.cpp: which index serves a keyset scan's order, and the plan check's message.
#include <doctest/doctest.h>

#include "../../lib/sql/order_index.hpp"
#include "../../lib/sql/render_keyset.hpp"
#include "../models.hpp"
#include "sql_golden.hpp"

using models::OrgMembership;
using models::User;
using sluice::col;
using namespace sluice::detail;

namespace {

// users: id, name, age, score, created_at, bio (age is column 2).
std::optional<std::string> judge(const dialect& d, std::vector<order_term> order, const std::vector<table_index>& indexes,
                                 std::optional<sluice::predicate<User>> where = std::nullopt) {
    query_spec q = golden_sql::spec_of(where, std::move(order));
    return missing_order_index(d, *q.table, keyset_terms(q), q.filter.get(), indexes);
}

table_index index_of(std::vector<index_part> parts, bool unique = false) { return {"ix", unique, true, std::move(parts)}; }

}  // namespace

TEST_CASE("an index on the order keys serves them, in either direction, with the key suffix the backend gives it") {
    const std::vector<table_index> by_age{index_of({{"age", false, true}})};
    // InnoDB's index ends with the key unnamed; SQLite's lists its rowid suffix (the INTEGER key).
    CHECK_FALSE(judge(mysql_dialect(), {{2, false}}, by_age));
    CHECK(judge(sqlite_dialect(), {{2, false}}, by_age));  // listed without its suffix: not the key order
    const std::vector<table_index> by_age_rowid{index_of({{"age", false, true}, {"id", false, true}})};
    CHECK_FALSE(judge(sqlite_dialect(), {{2, false}}, by_age_rowid));
    CHECK_FALSE(judge(sqlite_dialect(), {{2, true}}, by_age_rowid));  // backwards
    // Mixed directions need the index's own mix.
    const auto mixed = judge(mysql_dialect(), {{2, false}, {3, true}}, {index_of({{"age", false, true}, {"score", false, true}})});
    REQUIRE(mixed);
    CHECK(*mixed == "sluice: users: ORDER BY age, score DESC, id has no usable index: every page reads the whole table; create an "
                    "index on (age, score DESC) in the database (indexes{} declares ascending ones), or order every key in one direction");
    CHECK_FALSE(judge(mysql_dialect(), {{2, false}, {3, true}}, {index_of({{"age", false, true}, {"score", true, true}})}));
    // A prefix, a partial or an unusable index gives no order.
    CHECK(judge(mysql_dialect(), {{1, false}}, {index_of({{"name", false, false}})}));
    table_index partial = index_of({{"age", false, true}});
    partial.usable = false;
    CHECK(judge(mysql_dialect(), {{2, false}}, {partial}));
}

TEST_CASE("columns where() fixes to one value are skipped in the index and in the order") {
    const std::vector<table_index> name_age{index_of({{"name", false, true}, {"age", false, true}})};
    CHECK_FALSE(judge(mysql_dialect(), {{2, false}}, name_age, col(&User::name) == "a"));
    CHECK_FALSE(judge(mysql_dialect(), {{2, false}}, name_age, col(&User::name).in({"a"}) && col(&User::score) > 1));
    CHECK(judge(mysql_dialect(), {{2, false}}, name_age, col(&User::name) > "a"));             // a range is not fixed
    CHECK(judge(mysql_dialect(), {{2, false}}, name_age, col(&User::name) == "a" || col(&User::age) == 1));  // nor under OR
    // A fixed order key needs no index position; a fixed key column pins one row.
    CHECK_FALSE(judge(mysql_dialect(), {{1, false}, {2, false}}, name_age, col(&User::name) == "a"));
    CHECK_FALSE(judge(mysql_dialect(), {{3, false}}, {}, col(&User::id) == 4));
    CHECK_FALSE(judge(mysql_dialect(), {{3, false}}, {index_of({{"name", false, true}}, true)}, col(&User::name) == "x"));
    const auto message = judge(mysql_dialect(), {{3, false}}, name_age, col(&User::name) == "a" && col(&User::bio).is_null());
    REQUIRE(message);
    CHECK(*message == "sluice: users: WHERE name = ? AND bio IS NULL ORDER BY score, id has no usable index: every page reads every row "
                      "the filters match, and sorts them; add indexes{\"name,bio,score\"}");
}

TEST_CASE("the suggested index leaves out the key only where every index ends with it") {
    query_spec q;
    q.table = &sluice::table_of<OrgMembership>();
    q.order = {{2, false}};  // role, then org_id, user_id
    const auto on = [&](const dialect& d) { return *missing_order_index(d, *q.table, keyset_terms(q), nullptr, {}); };
    CHECK(on(mysql_dialect()).find("add indexes{\"role\"}") != std::string::npos);
    CHECK(on(sqlite_dialect()).find("add indexes{\"role,org_id,user_id\"}") != std::string::npos);  // a rowid table
}
