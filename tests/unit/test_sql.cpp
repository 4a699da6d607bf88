// Golden SQL: the exact text sluice emits for each expression node and statement shape, per
// dialect. No database: these document the SQL as much as they test it.
#include <doctest/doctest.h>

#include "../../lib/sql/render_keyset.hpp"
#include "../../lib/sql/render_expr.hpp"
#include "../../lib/sql/render_statements.hpp"
#include "../models.hpp"

using models::User;
using sluice::col;
using namespace sluice::detail;

namespace {

struct golden {
    std::string sqlite, mariadb;
};

sluice::detail::query_spec spec_of(std::optional<sluice::predicate<User>> where = std::nullopt,
                                   std::vector<order_term> order = {}) {
    query_spec q;
    q.table = &sluice::table_of<User>();
    if (where) q.filter = std::make_shared<const expr_node>(where->node);
    q.order = std::move(order);
    return q;
}

std::string where_sql(const dialect& d, const sluice::predicate<User>& p, std::size_t* params = nullptr) {
    rendered r;
    render_expr(d, sluice::table_of<User>(), p.node, r);
    if (params) *params = r.params.size();
    return r.sql;
}

void check_where(const sluice::predicate<User>& p, const golden& expected, std::size_t expected_params) {
    std::size_t params = 0;
    CHECK(where_sql(sqlite_dialect(), p, &params) == expected.sqlite);
    CHECK(params == expected_params);
    CHECK(where_sql(mysql_dialect(), p) == expected.mariadb);
}

}  // namespace

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
    check_where(col(&User::age) < col(&User::score), {R"("age" < "score")", "`age` < `score`"}, 0);
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

TEST_CASE("select: columns, where, order with the primary key tiebreak, limit and offset") {
    std::vector<std::uint64_t> limits;
    limits.reserve(2);
    auto q = spec_of(col(&User::age) >= 30, {{2, false}});
    q.limit = 10;
    q.offset = 20;
    CHECK(render_select(sqlite_dialect(), q, {}, limits).sql ==
          R"(SELECT "id", "name", "age", "score", "created_at", "bio" FROM "users" WHERE "age" >= ? ORDER BY "age", "id" LIMIT ? OFFSET ?)");
    limits.clear();
    CHECK(render_select(mysql_dialect(), q, {1, 2}, limits).sql ==
          "SELECT `name`, `age` FROM `users` WHERE `age` >= ? ORDER BY `age`, `id` LIMIT ? OFFSET ?");
    limits.clear();
    auto d = spec_of(std::nullopt, {{4, true}});
    CHECK(render_select(mysql_dialect(), d, {0}, limits).sql == "SELECT `id` FROM `users` ORDER BY `created_at` DESC, `id` DESC");
}

TEST_CASE("offset without a limit gets the backend's 'no limit'") {
    std::vector<std::uint64_t> limits;
    limits.reserve(2);
    auto q = spec_of();
    q.offset = 5;
    const rendered s = render_select(sqlite_dialect(), q, {0}, limits);
    CHECK(s.sql == R"(SELECT "id" FROM "users" LIMIT ? OFFSET ?)");
    CHECK(std::get<std::uint64_t>(s.params[0]) == static_cast<std::uint64_t>(INT64_MAX));
    limits.clear();
    CHECK(std::get<std::uint64_t>(render_select(mysql_dialect(), q, {0}, limits).params[0]) == UINT64_MAX);
}

TEST_CASE("count, update and delete statements") {
    std::vector<std::uint64_t> limits;
    limits.reserve(2);
    const auto q = spec_of(col(&User::bio).is_null() || col(&User::age) < 18);
    CHECK(render_count(sqlite_dialect(), q, limits).sql == R"(SELECT COUNT(*) FROM "users" WHERE "bio" IS NULL OR "age" < ?)");
    auto limited = q;
    limited.limit = 3;
    CHECK(render_count(mysql_dialect(), limited, limits).sql ==
          "SELECT COUNT(*) FROM (SELECT 1 FROM `users` WHERE `bio` IS NULL OR `age` < ? LIMIT ?) AS sluice_counted");
    const std::vector<std::pair<std::size_t, sluice::value>> sets{{2, std::int64_t{31}}, {5, sluice::null_t{}}};
    const rendered u = render_update(mysql_dialect(), q, sets);
    CHECK(u.sql == "UPDATE `users` SET `age` = ?, `bio` = ? WHERE `bio` IS NULL OR `age` < ?");
    CHECK(u.params.size() == 3);
    CHECK(render_delete(sqlite_dialect(), q).sql == R"(DELETE FROM "users" WHERE "bio" IS NULL OR "age" < ?)");
    CHECK(render_delete(mysql_dialect(), spec_of()).sql == "DELETE FROM `users`");
}

TEST_CASE("like_escape makes user text match literally") {
    CHECK(sluice::like_escape("50%_off\\") == "50\\%\\_off\\\\");
}

TEST_CASE("keyset pages: the first page, then the predicate past the last row, leading the WHERE") {
    CHECK_FALSE(mysql_dialect().keyset_branches());
    CHECK(sqlite_dialect().keyset_branches());
    using sluice::value;
    const auto by_age = spec_of(col(&User::age) >= 18, {{2, false}});
    const auto terms = keyset_terms(by_age);
    const std::uint64_t limit = 1000;
    CHECK(render_page(mysql_dialect(), by_age, terms, {}, limit).sql ==
          "SELECT `id`, `name`, `age`, `score`, `created_at`, `bio` FROM `users` WHERE `age` >= ? ORDER BY `age`, `id` LIMIT ?");
    const std::vector<value> last{std::int64_t{30}, std::int64_t{123}};
    const rendered maria = render_page(mysql_dialect(), by_age, terms, last, limit);
    CHECK(maria.sql ==
          "SELECT `id`, `name`, `age`, `score`, `created_at`, `bio` FROM `users` WHERE `age` >= ? AND (`age` > ? OR "
          "(`age` = ? AND (`id` > ?))) AND `age` >= ? ORDER BY `age`, `id` LIMIT ?");
    CHECK(maria.params.size() == 6);
    // SQLite: one statement per branch, the most specific first; each is an exact index seek
    // (age = ? AND rowid > ? on ix_users_age), where a single predicate would walk a run of ties.
    CHECK(render_page(sqlite_dialect(), by_age, terms, last, limit, {}, 1).sql ==
          R"(SELECT "id", "name", "age", "score", "created_at", "bio" FROM "users" WHERE "age" = ? AND "id" > ? AND "age" >= ? ORDER BY "age", "id" LIMIT ?)");
    CHECK(render_page(sqlite_dialect(), by_age, terms, last, limit, {}, 0).sql ==
          R"(SELECT "id", "name", "age", "score", "created_at", "bio" FROM "users" WHERE "age" > ? AND "age" >= ? ORDER BY "age", "id" LIMIT ?)");
}

TEST_CASE("keyset pages: descending keys follow with a descending tiebreak; NULL keys are explicit") {
    using sluice::value;
    const std::uint64_t limit = 10;
    const auto by_bio_desc = spec_of(std::nullopt, {{5, true}});
    const auto terms = keyset_terms(by_bio_desc);
    REQUIRE(terms.size() == 2);
    CHECK(terms[1].descending);
    // After a non-NULL bio, descending: smaller values, then the NULLs (they sort last).
    CHECK(render_page(mysql_dialect(), by_bio_desc, terms, {value{std::string("m")}, std::int64_t{5}}, limit).sql ==
          "SELECT `id`, `name`, `age`, `score`, `created_at`, `bio` FROM `users` WHERE (`bio` <= ? OR `bio` IS NULL) AND "
          "((`bio` < ? OR `bio` IS NULL) OR (`bio` = ? AND (`id` < ?))) ORDER BY `bio` DESC, `id` DESC LIMIT ?");
    // After a NULL bio, descending: only the remaining NULLs.
    CHECK(render_page(sqlite_dialect(), by_bio_desc, terms, {value{sluice::null_t{}}, std::int64_t{5}}, limit).sql ==
          R"(SELECT "id", "name", "age", "score", "created_at", "bio" FROM "users" WHERE "bio" IS NULL AND (("bio" IS NULL AND ("id" < ?))) ORDER BY "bio" DESC, "id" DESC LIMIT ?)");
    // Branch by branch, "after a non-NULL bio, descending" is two single ranges: bio < ?, then
    // the NULLs (a dialect that branches must not get the two-range OR).
    const std::vector<value> after_m{value{std::string("m")}, std::int64_t{5}};
    CHECK(keyset_branch_parts(sluice::table_of<User>(), terms, after_m, 0) == 2);
    CHECK(keyset_branch_parts(sluice::table_of<User>(), terms, after_m, 1) == 1);
    CHECK(render_page(spider_dialect(), by_bio_desc, terms, after_m, limit, {0}, 0, 0).sql ==
          "SELECT `id` FROM `users` WHERE `bio` < ? ORDER BY `bio` DESC, `id` DESC LIMIT ?");
    CHECK(render_page(spider_dialect(), by_bio_desc, terms, after_m, limit, {0}, 0, 1).sql ==
          "SELECT `id` FROM `users` WHERE `bio` IS NULL ORDER BY `bio` DESC, `id` DESC LIMIT ?");
    CHECK(render_page(sqlite_dialect(), by_bio_desc, terms, after_m, limit, {0}, 1).sql ==
          R"(SELECT "id" FROM "users" WHERE "bio" = ? AND "id" < ? ORDER BY "bio" DESC, "id" DESC LIMIT ?)");
    // Ascending after a NULL: every non-NULL value, or the NULLs with a larger key.
    const auto by_bio = spec_of(std::nullopt, {{5, false}});
    CHECK(render_page(mysql_dialect(), by_bio, keyset_terms(by_bio), {value{sluice::null_t{}}, std::int64_t{5}}, limit).sql ==
          "SELECT `id`, `name`, `age`, `score`, `created_at`, `bio` FROM `users` WHERE (`bio` IS NOT NULL OR (`bio` IS NULL AND "
          "(`id` > ?))) ORDER BY `bio`, `id` LIMIT ?");
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

TEST_CASE("spider dialect: keyset pages branch by branch; DELETE in the multi-table form, which Spider counts") {
    CHECK(spider_dialect().keyset_branches());
    CHECK_FALSE(mysql_dialect().row_value_bounds());
    CHECK(render_delete(mysql_dialect(), spec_of(col(&User::age) < 18)).sql == "DELETE FROM `users` WHERE `age` < ?");
    CHECK(render_delete(spider_dialect(), spec_of(col(&User::age) < 18)).sql == "DELETE `users` FROM `users` WHERE `age` < ?");
    const auto by_age = spec_of(std::nullopt, {{2, false}});
    const std::vector<sluice::value> last{std::int64_t{30}, std::int64_t{123}};
    const std::uint64_t limit = 100;
    CHECK(render_page(spider_dialect(), by_age, keyset_terms(by_age), last, limit, {2, 0}, 1).sql ==
          "SELECT `age`, `id` FROM `users` WHERE `age` = ? AND `id` > ? ORDER BY `age`, `id` LIMIT ?");
}
