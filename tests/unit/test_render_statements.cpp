// Golden SQL of lib/sql/render_statements.cpp: SELECT, COUNT, UPDATE, DELETE on both dialects.
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

TEST_CASE("select: columns, where, order with the primary key tiebreak, limit and offset") {
    auto q = spec_of(col(&User::age) >= 30, {{2, false}});
    q.limit = 10;
    q.offset = 20;
    CHECK(render_select(sqlite_dialect(), q, {}).sql ==
          R"(SELECT "id", "name", "age", "score", "created_at", "bio" FROM "users" WHERE "age" >= ? ORDER BY "age", "id" LIMIT ? OFFSET ?)");
    CHECK(render_select(mysql_dialect(), q, {1, 2}).sql ==
          "SELECT `name`, `age` FROM `users` WHERE `age` >= ? ORDER BY `age`, `id` LIMIT ? OFFSET ?");
    auto d = spec_of(std::nullopt, {{4, true}});
    CHECK(render_select(mysql_dialect(), d, {0}).sql == "SELECT `id` FROM `users` ORDER BY `created_at` DESC, `id` DESC");
}

TEST_CASE("offset without a limit gets the backend's 'no limit'") {
    auto q = spec_of();
    q.offset = 5;
    const rendered s = render_select(sqlite_dialect(), q, {0});
    CHECK(s.sql == R"(SELECT "id" FROM "users" LIMIT ? OFFSET ?)");
    CHECK(std::get<std::uint64_t>(s.params[0]) == static_cast<std::uint64_t>(INT64_MAX));
    CHECK(std::get<std::uint64_t>(render_select(mysql_dialect(), q, {0}).params[0]) == UINT64_MAX);
}

TEST_CASE("count, update and delete statements") {
    const auto q = spec_of(col(&User::bio).is_null() || col(&User::age) < 18);
    CHECK(render_count(sqlite_dialect(), q).sql == R"(SELECT COUNT(*) FROM "users" WHERE "bio" IS NULL OR "age" < ?)");
    auto limited = q;
    limited.limit = 3;
    CHECK(render_count(mysql_dialect(), limited).sql ==
          "SELECT COUNT(*) FROM (SELECT 1 FROM `users` WHERE `bio` IS NULL OR `age` < ? LIMIT ?) AS sluice_counted");
    const std::vector<column_set> sets{{2, std::int64_t{31}, std::nullopt}, {5, sluice::null_t{}, std::nullopt}};
    const rendered u = render_update(mysql_dialect(), q, sets);
    CHECK(u.sql == "UPDATE `users` SET `age` = ?, `bio` = ? WHERE `bio` IS NULL OR `age` < ?");
    CHECK(u.params.size() == 3);
    CHECK(render_delete(sqlite_dialect(), q).sql == R"(DELETE FROM "users" WHERE "bio" IS NULL OR "age" < ?)");
    CHECK(render_delete(mysql_dialect(), spec_of()).sql == "DELETE FROM `users`");
}
