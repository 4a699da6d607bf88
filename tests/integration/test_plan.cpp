// Late keyset pages use an index range, not a walk from the start of the index.
#include <doctest/doctest.h>

#include "../lazy_rows.hpp"
#include "../oracle.hpp"

using models::User;

TEST_CASE("a late page of an order_by(indexed column) scan is an index range") {
    auto db = support::fresh<User>();
    auto rows = support::map_iota(0, 20000, [](int i) {
        std::string name = "u";  // not "u" + ...: GCC 12 -O3 -Wrestrict false positive
        name += std::to_string(i);
        return User{0, std::move(name), i % 100, 0, support::at(2024, 1, 1), std::nullopt};
    });
    db.insert_many(rows);
    if (!support::is_sqlite()) db.execute("ANALYZE TABLE users");

    std::string last_sql, branch_sql;
    std::vector<std::string> last_values, branch_values;
    db.on_statement([&](const sluice::statement_event& e) {
        last_sql = e.sql;
        last_values.assign(e.values.begin(), e.values.end());
        if (e.sql.find(R"("age" = ? AND "id" > ?)") != std::string_view::npos ||
            e.sql.find("`age` = ? AND `id` > ?") != std::string_view::npos) {
            branch_sql = e.sql;
            branch_values = last_values;
        }
    });
    std::size_t seen = 0;
    for (const User& u : db.query<User>().order_by(&User::age).yield_per(200)) {
        (void)u;
        if (++seen == 15000) break;  // three quarters in
    }
    db.on_statement(nullptr);
    if (support::is_sqlite() || support::tables_sharded()) {
        // SQLite pages inside a run of equal ages as the branch age = ? AND id > ?: an exact seek
        // on the index's implicit rowid, not a walk through the run. So does a sharded tier, where each
        // branch is one index range that the front end forwards to the backends as is.
        REQUIRE_FALSE(branch_sql.empty());
        last_sql = branch_sql;
        last_values = branch_values;
    }
    REQUIRE(last_sql.find("ORDER BY") != std::string::npos);
    std::vector<sluice::value_ref> values;
    for (const std::string& v : last_values) values.emplace_back(std::stoll(v));  // all keys are integers here
    REQUIRE(values.size() >= 3);

    // On a sharded tier the index lives on the shards (the entry server holds none): ask one of them.
    sluice::session explainer(cluster::index_server_url(support::backend().url));
    const auto plan = explainer.rows((support::is_sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + last_sql,
                                     std::span<const sluice::value_ref>(values));
    REQUIRE(!plan.empty());
    if (support::is_sqlite()) {
        const std::string detail = plan[0].back().value_or("");
        CAPTURE(detail);
        CHECK(detail.find("SEARCH") != std::string::npos);
        CHECK(detail.find("ix_users_age (age=? AND rowid>?)") != std::string::npos);
    } else {
        // EXPLAIN columns: id, select_type, table, type, possible_keys, key, ...
        const std::string type = plan[0].at(3).value_or("");
        const std::string key = plan[0].at(5).value_or("");
        CAPTURE(last_sql);
        CHECK(type == "range");
        CHECK(key == "ix_users_age");
        if (support::tables_sharded()) return;
        // For contrast, the row-constructor form that the MariaDB dialect avoids:
        const auto row_form = db.rows("EXPLAIN SELECT id FROM users WHERE (age, id) > (?, ?) ORDER BY age, id LIMIT 200",
                                      std::int64_t{75}, std::int64_t{1});
        MESSAGE("row constructor: type=" << row_form[0].at(3).value_or("?") << ", expanded keyset: type=" << type);
    }
}
