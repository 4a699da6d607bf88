// Golden SQL of lib/sql/render_expr.cpp: every predicate node on both dialects.
#include <doctest/doctest.h>

#include "../../lib/sql/render_expr.hpp"
#include "../../lib/sql/render_keyset.hpp"
#include "../../lib/sql/render_statements.hpp"
#include "../models.hpp"
#include "sql_golden.hpp"

using models::User;
using sluice::col;
using namespace sluice::detail;

using namespace golden_sql;

TEST_CASE("comparison operators bind their value") {
    check_where(col(&User::age) == 30, {R"("age" = ?)", "`age` = ?"}, 1);
    check_where(col(&User::age) != 30, {R"("age" <> ?)", "`age` <> ?"}, 1);
    check_where(col(&User::age) < 30, {R"("age" < ?)", "`age` < ?"}, 1);
    check_where(col(&User::age) <= 30, {R"("age" <= ?)", "`age` <= ?"}, 1);
    check_where(col(&User::age) > 30, {R"("age" > ?)", "`age` > ?"}, 1);
    check_where(col(&User::age) >= 30, {R"("age" >= ?)", "`age` >= ?"}, 1);
    check_where(col(&User::name) == "x' OR '1'='1", {R"("name" = ?)", "`name` = ?"}, 1);
}

TEST_CASE("column against column of the same model") {
    // An integer column against a floating-point one: as doubles on both backends, as in C++.
    check_where(col(&User::age) < col(&User::score), {R"(CAST("age" AS REAL) < "score")", "CAST(`age` AS DOUBLE) < `score`"}, 0);
}

TEST_CASE("like, in, between, null tests") {
    // The literal prefix leads as an exact range; MariaDB's LIKE operand is wrapped so that the
    // server derives no (wrong) range of its own from it.
    check_where(col(&User::name).like("a%"), {R"(("name" >= ? AND "name" < ? AND "name" LIKE ? ESCAPE '\'))",
                                              R"((`name` >= ? AND `name` < ? AND CONCAT(`name`) LIKE ? ESCAPE '\\'))"}, 3);
    check_where(col(&User::name).like("%a"), {R"("name" LIKE ? ESCAPE '\')", R"(CONCAT(`name`) LIKE ? ESCAPE '\\')"}, 1);
    check_where(col(&User::name).like("\U0010FFFF%"), {R"(("name" >= ? AND "name" LIKE ? ESCAPE '\'))",
                                                       R"((`name` >= ? AND CONCAT(`name`) LIKE ? ESCAPE '\\'))"}, 2);
    CHECK_THROWS_WITH_AS(col(&User::name).like("ab\\"), doctest::Contains("users.name (text): like() pattern ends in a lone"), sluice::error);
    check_where(col(&User::age).in(std::vector<int>{1, 2, 3}), {R"("age" IN (?, ?, ?))", "`age` IN (?, ?, ?)"}, 3);
    check_where(col(&User::age).in({7}), {R"("age" IN (?))", "`age` IN (?)"}, 1);
    check_where(col(&User::age).in(std::vector<int>{}), {"1 = 0", "1 = 0"}, 0);
    check_where(col(&User::age).between(18, 65), {R"(("age" >= ? AND "age" <= ?))", "(`age` >= ? AND `age` <= ?)"}, 2);
    check_where(col(&User::bio).is_null(), {R"("bio" IS NULL)", "`bio` IS NULL"}, 0);
    check_where(col(&User::bio).is_not_null(), {R"("bio" IS NOT NULL)", "`bio` IS NOT NULL"}, 0);
}

TEST_CASE("and, or, not: flattened, and parenthesised where precedence needs it") {
    const auto a = col(&User::age) > 1;
    const auto b = col(&User::age) < 9;
    const auto c = col(&User::name) == "z";
    check_where(a && b && c, {R"("age" > ? AND "age" < ? AND "name" = ?)", "`age` > ? AND `age` < ? AND `name` = ?"}, 3);
    check_where(a || b || c, {R"("age" > ? OR "age" < ? OR "name" = ?)", "`age` > ? OR `age` < ? OR `name` = ?"}, 3);
    check_where((a || b) && c, {R"(("age" > ? OR "age" < ?) AND "name" = ?)", "(`age` > ? OR `age` < ?) AND `name` = ?"}, 3);
    check_where(a || (b && c), {R"("age" > ? OR ("age" < ? AND "name" = ?))", "`age` > ? OR (`age` < ? AND `name` = ?)"}, 3);
    check_where(!(a || b), {R"(NOT ("age" > ? OR "age" < ?))", "NOT (`age` > ? OR `age` < ?)"}, 2);
    check_where(!c && a, {R"(NOT ("name" = ?) AND "age" > ?)", "NOT (`name` = ?) AND `age` > ?"}, 2);
}

TEST_CASE("like_escape makes user text match literally") {
    CHECK(sluice::like_escape("50%_off\\") == "50\\%\\_off\\\\");
}

TEST_CASE("key tuple bounds: expanded on SQLite and InnoDB, a row constructor on Spider, a leading bound always") {
    using models::OrgMembership;
    const sluice::table_info& t = sluice::table_of<OrgMembership>();
    REQUIRE(t.primary_key.size() == 2);
    auto bound = [&](expr_op op, std::int64_t org, std::int64_t user) {
        expr_node n{op, no_column, no_column, {}, {}};
        n.children.push_back(expr_node{expr_op::eq, t.primary_key[0], no_column, {sluice::value{org}}, {}});
        n.children.push_back(expr_node{expr_op::eq, t.primary_key[1], no_column, {sluice::value{user}}, {}});
        return n;
    };
    auto sql = [&](const dialect& d, const expr_node& n, std::vector<std::int64_t>* bound_values = nullptr) {
        rendered r;
        render_expr(d, t, n, r);
        if (bound_values)
            for (const auto& p : r.params) bound_values->push_back(std::get<std::int64_t>(p));
        return r.sql;
    };
    std::vector<std::int64_t> values;
    CHECK(sql(mysql_dialect(), bound(expr_op::tuple_gt, 2, 30), &values) ==
          "`org_id` >= ? AND (`org_id` > ? OR (`org_id` = ? AND `user_id` > ?))");
    CHECK(values == std::vector<std::int64_t>{2, 2, 2, 30});
    CHECK(sql(sqlite_dialect(), bound(expr_op::tuple_le, 4, 10)) ==
          R"("org_id" <= ? AND ("org_id" < ? OR ("org_id" = ? AND "user_id" <= ?)))");
    values.clear();
    CHECK(sql(spider_dialect(), bound(expr_op::tuple_gt, 2, 30), &values) == "`org_id` >= ? AND (`org_id`, `user_id`) > (?, ?)");
    CHECK(values == std::vector<std::int64_t>{2, 2, 30});
    CHECK(sql(spider_dialect(), bound(expr_op::tuple_ge, 2, 30)) == "`org_id` >= ? AND (`org_id`, `user_id`) >= (?, ?)");
    // Inside AND/OR a tuple bound is parenthesised like any compound.
    expr_node both{expr_op::all_of, no_column, no_column, {}, {bound(expr_op::tuple_ge, 1, 5), bound(expr_op::tuple_lt, 3, 7)}};
    CHECK(sql(spider_dialect(), both) ==
          "(`org_id` >= ? AND (`org_id`, `user_id`) >= (?, ?)) AND (`org_id` <= ? AND (`org_id`, `user_id`) < (?, ?))");
    // A single-column key needs neither form.
    const sluice::table_info& users = sluice::table_of<User>();
    expr_node one{expr_op::tuple_le, no_column, no_column, {}, {expr_node{expr_op::eq, users.primary_key[0], no_column, {sluice::value{std::int64_t{9}}}, {}}}};
    rendered r;
    render_expr(spider_dialect(), users, one, r);
    CHECK(r.sql == "`id` <= ?");
}
