// Least privilege: a MariaDB user granted only SELECT runs every read (queries, scans, resume,
// partitions, the plan check, verify); writes fail with the server's clear refusal.
#include <doctest/doctest.h>

#include <set>

#include "../models.hpp"
#include "../support.hpp"

using models::User;
using sluice::col;

namespace {
// The test URL with the read-only user of scripts/mariadb in place of the test user.
std::string read_only_url() {
    std::string url = support::backend().url;
    const std::size_t scheme = url.find("://") + 3;
    const std::size_t at = url.rfind('@');
    return url.substr(0, scheme) + "sluice_ro:sluice_ro_pw" + url.substr(at);
}
}  // namespace

TEST_CASE("least privilege: a SELECT-only MariaDB user reads, scans, resumes, partitions and verifies") {
    if (support::tables_sharded()) return;  // the cluster tiers create their own users
    auto db = support::fresh<User>();
    std::vector<User> rows;
    for (int i = 0; i < 500; ++i) rows.push_back(User{0, "u" + std::to_string(i), i % 50, i * 2.0, support::at(2024, 1, 1), std::nullopt});
    db.insert_many(rows);
    rows = db.query<User>().order_by(&User::id).all();

    // SQLite has no users or grants; its read-only connection (PRAGMA query_only) stands in.
    sluice::session ro = support::is_sqlite() ? support::connect() : sluice::session{read_only_url()};
    if (support::is_sqlite()) ro.execute("PRAGMA query_only = 1");
    ro.verify<User>();
    CHECK(ro.query<User>().count() == 500);
    CHECK(ro.query<User>().where(col(&User::age) < 10).count() == 100);
    CHECK(ro.get<User>(rows[7].id)->name == rows[7].name);
    ro.set_plan_check(sluice::plan_check::warn);  // reads information_schema.STATISTICS
    std::vector<std::int64_t> ids;
    std::string token;
    {
        auto range = ro.query<User>().order_by(&User::age).yield_per(37);
        for (const User& u : range) {
            ids.push_back(u.id);
            if (ids.size() == 200) { token = range.token(); break; }
        }
    }
    for (const User& u : ro.query<User>().order_by(&User::age).resume(token).yield_per(37)) ids.push_back(u.id);
    CHECK(ids.size() == 500);
    CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == 500);
    std::size_t partitioned = 0;
    for (const auto& part : ro.query<User>().partitions(3))
        for (const auto& batch : part.batches(64)) partitioned += batch.size();
    CHECK(partitioned == 500);
    // Writes are refused by the server, with its reason, and the session goes on.
    User u{0, "intruder", 1, 1, support::at(2024, 1, 1), std::nullopt};
    const char* refusal = support::is_sqlite() ? "readonly database" : "command denied";
    CHECK_THROWS_WITH_AS(ro.insert(u), doctest::Contains(refusal), sluice::statement_error);
    CHECK_THROWS_WITH_AS(ro.query<User>().where(col(&User::age) == 1).update(sluice::set(&User::score, 0.0)),
                         doctest::Contains(refusal), sluice::statement_error);
    CHECK(ro.query<User>().count() == 500);
}
