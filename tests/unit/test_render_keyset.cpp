// Golden SQL of lib/sql/render_keyset.cpp: keyset pages and their branches on each dialect.
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
