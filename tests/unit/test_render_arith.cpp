// Golden SQL of lib/sql/render_arith.cpp: arithmetic in where() and set() on both dialects, and the order of SET clauses.
#include <doctest/doctest.h>

#include <cfloat>

#include "../../lib/sql/render_statements.hpp"
#include "../models.hpp"
#include "sql_golden.hpp"

using models::AllTypes;
using models::User;
using sluice::col;
using namespace sluice::detail;

using namespace golden_sql;

namespace {

template <class T> column_set set_of(sluice::assignment<T> a) { return {a.column, std::move(a.v), std::move(a.expr)}; }

template <class T> query_spec spec_for() {
    query_spec q;
    q.table = &sluice::table_of<T>();
    return q;
}

}  // namespace

TEST_CASE("arithmetic in where(): each operator per dialect, every value bound") {
    // MariaDB: every number typed by a cast (a placeholder has no type at PREPARE, and MariaDB
    // would type some expressions over one as DECIMAL).
    check_where(col(&User::age) - col(&User::age) * 2 <= 7,
                {R"(sluice_sub("age", sluice_mul("age", ?)) <= ?)", "(`age` - (`age` * CAST(? AS SIGNED))) <= CAST(? AS SIGNED)"}, 2);
    // An integer side meets a floating-point one as a double, as in C++ (SQLite compares exactly).
    check_where(col(&User::age) + 1 > col(&User::score),
                {R"(CAST(sluice_add("age", ?) AS REAL) > "score")", "CAST((`age` + CAST(? AS SIGNED)) AS DOUBLE) > `score`"}, 1);
    // Integers divide with DIV on MariaDB (its / would be DECIMAL division), floating point with /;
    // a division by zero in a condition is NULL on both.
    check_where(col(&User::age) * 103 / 100 >= 50,
                {R"(sluice_div(sluice_mul("age", ?), ?) >= ?)",
                 "((`age` * CAST(? AS SIGNED)) DIV NULLIF(CAST(? AS SIGNED), 0)) >= CAST(? AS SIGNED)"}, 3);
    check_where(col(&User::score) / 2.5 < col(&User::age),
                {R"(sluice_div("score", ?) < CAST("age" AS REAL))", "(`score` / NULLIF(CAST(? AS DOUBLE), 0)) < CAST(`age` AS DOUBLE)"}, 1);
    // Negation as a product: MariaDB types -x of a constant integer as DECIMAL, which would not overflow.
    check_where(-col(&User::age) == 5, {R"(sluice_neg("age") = ?)", "(`age` * -1) = CAST(? AS SIGNED)"}, 1);
    check_where(-(-col(&User::age)) != -5, {R"(sluice_neg(sluice_neg("age")) <> ?)", "((`age` * -1) * -1) <> CAST(? AS SIGNED)"}, 1);
    // A column on the left takes an expression on the right; a number on the left of an operator too.
    check_where(col(&User::age) < 2 * col(&User::age) - 1,
                {R"("age" < sluice_sub(sluice_mul(?, "age"), ?))", "`age` < ((CAST(? AS SIGNED) * `age`) - CAST(? AS SIGNED))"}, 2);
    check_where(col(&User::age) + 1 > 3 && col(&User::name) == "x",
                {R"(sluice_add("age", ?) > ? AND "name" = ?)", "(`age` + CAST(? AS SIGNED)) > CAST(? AS SIGNED) AND `name` = ?"}, 3);
}

TEST_CASE("unsigned columns compute signed on MariaDB, which would compute UNSIGNED (3 - 5 fails)") {
    rendered r;
    const auto p = col(&AllTypes::u8) - 5 < col(&AllTypes::u32) + col(&AllTypes::i16);
    render_expr(mysql_dialect(), sluice::table_of<AllTypes>(), p.node, r);
    CHECK(r.sql == "(CAST(`u8` AS SIGNED) - CAST(? AS SIGNED)) < (CAST(`u32` AS SIGNED) + `i16`)");
    rendered s;
    render_expr(sqlite_dialect(), sluice::table_of<AllTypes>(), p.node, s);
    CHECK(s.sql == R"(sluice_sub("u8", ?) < sluice_add("u32", "i16"))");
}

TEST_CASE("set() of an expression: SQLite checks the column's range, MariaDB's strict mode does") {
    auto q = spec_of(col(&User::age) > 1);
    const std::vector<column_set> sets{set_of(sluice::set(&User::age, col(&User::age) * 103 / 100))};
    std::vector<std::size_t> columns;
    const rendered m = render_update(mysql_dialect(), q, sets, nullptr, &columns);
    CHECK(m.sql == "UPDATE `users` SET `age` = ((`age` * CAST(? AS SIGNED)) DIV CAST(? AS SIGNED)) WHERE `age` > ?");
    CHECK(m.params.size() == 3);
    CHECK(columns == std::vector<std::size_t>{2, 2});
    columns.clear();
    const rendered l = render_update(sqlite_dialect(), q, sets, nullptr, &columns);
    CHECK(l.sql == R"(UPDATE "users" SET "age" = sluice_fit(sluice_div_or_fail(sluice_mul("age", ?), ?), ?, ?, ?) WHERE "age" > ?)");
    REQUIRE(l.params.size() == 6);
    CHECK(std::get<std::int64_t>(l.params[2]) == INT32_MIN);
    CHECK(std::get<std::int64_t>(l.params[3]) == INT32_MAX);
    CHECK(std::get<std::string_view>(l.params[4]) == "age");
    CHECK(columns == std::vector<std::size_t>{2, 2, 2, 2, 2});
    // Another column's value is the one-leaf expression; a floating-point column takes doubles.
    const std::vector<column_set> copy{set_of(sluice::set(&User::score, col(&User::age)))};
    CHECK(render_update(mysql_dialect(), spec_of(), copy).sql == "UPDATE `users` SET `score` = `age`");
    const rendered f = render_update(sqlite_dialect(), spec_of(), copy);
    CHECK(f.sql == R"(UPDATE "users" SET "score" = sluice_fit("age", ?, ?, ?))");
    CHECK(std::get<double>(f.params[1]) == DBL_MAX);
}

TEST_CASE("the SET clause is ordered so that every expression reads the row as it was") {
    // MariaDB assigns left to right: `age` must be assigned after the expression that reads it.
    const std::vector<column_set> sets{set_of(sluice::set(&User::age, 5)), set_of(sluice::set(&User::score, col(&User::age) * 2)),
                                       set_of(sluice::set(&User::bio, "b"))};
    std::vector<std::size_t> columns;
    const rendered r = render_update(mysql_dialect(), spec_of(), sets, nullptr, &columns);
    CHECK(r.sql == "UPDATE `users` SET `score` = (`age` * CAST(? AS SIGNED)), `age` = ?, `bio` = ?");
    CHECK(columns == std::vector<std::size_t>{3, 2, 5});  // the column each value feeds, in SQL order
    CHECK(std::get<std::int64_t>(r.params[0]) == 2);
    CHECK(std::get<std::int64_t>(r.params[1]) == 5);
    // An expression reading its own column is fine; constants keep the order of the call.
    const std::vector<column_set> self{set_of(sluice::set(&User::age, col(&User::age) + 1)), set_of(sluice::set(&User::bio, "b")),
                                       set_of(sluice::set(&User::name, "n"))};
    CHECK(render_update(mysql_dialect(), spec_of(), self).sql ==
          "UPDATE `users` SET `age` = (`age` + CAST(? AS SIGNED)), `bio` = ?, `name` = ?");
    // Two expressions reading each other's columns: no order works on MariaDB, refused on both.
    const std::vector<column_set> swap{set_of(sluice::set(&AllTypes::i32, col(&AllTypes::i64))),
                                       set_of(sluice::set(&AllTypes::i64, col(&AllTypes::i32)))};
    for (const dialect* d : {&sqlite_dialect(), &mysql_dialect()})
        CHECK_THROWS_WITH_AS(render_update(*d, spec_for<AllTypes>(), swap),
                             doctest::Contains("all_types: update: the set() expressions read columns that other set()s of the same "
                                               "update assign, in a cycle (i32, i64)"),
                             sluice::error);
}

TEST_CASE("arithmetic computes in signed 64-bit integers: an unsigned value above INT64_MAX is refused") {
    CHECK_THROWS_WITH_AS(col(&User::age) + (std::uint64_t{1} << 63), doctest::Contains("above INT64_MAX"), sluice::error);
    CHECK_NOTHROW(col(&User::age) + std::uint64_t{INT64_MAX});
}
