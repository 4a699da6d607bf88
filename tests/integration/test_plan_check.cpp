// The plan check (session::set_plan_check): fires on order keys no index serves, stays quiet on
// indexed ones; and EXPLAIN of late keyset pages over such indexes shows index range reads.
#include <doctest/doctest.h>

#include <random>

#include "../oracle.hpp"

using models::OrgMembership;
using sluice::col;
using sluice::desc;

namespace {

struct Payment {
    static constexpr std::string_view table_name = "payment";
    static constexpr std::array<std::string_view, 1> primary_key{"payment_id"};
    static constexpr std::array<std::string_view, 2> indexes{"customer_id,amount", "staff_id"};
    std::int64_t payment_id = 0;
    std::int32_t customer_id = 0;
    std::int32_t staff_id = 0;
    std::int64_t amount = 0;
    sluice::datetime payment_date{};  // no index
    std::string note;
};

sluice::session payments(int rows, unsigned seed = 1501) {
    auto db = support::fresh<Payment>();
    std::mt19937 rng(seed);
    std::vector<Payment> input;
    for (int i = 0; i < rows; ++i)
        input.push_back({0, static_cast<std::int32_t>(rng() % 20), static_cast<std::int32_t>(rng() % 3),
                         static_cast<std::int64_t>(rng() % 1000), support::at(2024, 1 + rng() % 12, 1 + rng() % 28), "n"});
    db.insert_many(input);
    return db;
}

// What one scan of q reported: the plan check's warnings, the rows handed out.
struct scan_report {
    std::vector<std::string> warnings;
    std::vector<std::string> warned_sql;
    std::size_t rows = 0;
    std::size_t statements = 0;
};

template <class T> scan_report scan(sluice::session& db, const sluice::query<T>& q, std::size_t page = 7) {
    scan_report r;
    db.on_statement([&](const sluice::statement_event& e) {
        ++r.statements;
        if (!e.warning.empty()) {
            r.warnings.emplace_back(e.warning);
            r.warned_sql.emplace_back(e.sql);
        }
    });
    for (const T& row : q.yield_per(page)) {
        (void)row;
        ++r.rows;
    }
    db.on_statement(nullptr);
    return r;
}

// Counts the rows (the batches) a scan hands out, up to an exception.
void walk_rows(const sluice::query<Payment>& q, std::size_t& rows) {
    for (const Payment& p : q.yield_per(5)) {
        (void)p;
        ++rows;
    }
}
void walk_batches(const sluice::query<Payment>& q, std::size_t& batches) {
    for (std::span<const Payment> b : q.batches(5)) {
        (void)b;
        ++batches;
    }
}

}  // namespace

TEST_CASE("plan check, warn: an unindexed order key is reported once, on the first page, and the scan goes on") {
    auto db = payments(40);
    CHECK(db.get_plan_check() == sluice::plan_check::off);
    CHECK(scan(db, db.query<Payment>().order_by(&Payment::payment_date)).warnings.empty());  // off by default
    db.set_plan_check(sluice::plan_check::warn);
    const scan_report r = scan(db, db.query<Payment>().order_by(&Payment::payment_date));
    CHECK(r.rows == 40);
    if (support::tables_sharded()) {  // a Spider table's indexes live on its backends: not judged
        CHECK(r.warnings.empty());
        return;
    }
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] ==
          "sluice: payment: ORDER BY payment_date, payment_id has no usable index: every page reads the whole table; "
          "add indexes{\"payment_date\"}");
    CHECK(r.warned_sql[0].find("ORDER BY") != std::string::npos);  // the first page's SELECT carries it
    CHECK(r.warned_sql[0].find("SELECT") == 0);
    CHECK(r.statements > 6);  // several pages, one warning
    // batches() pages the same way.
    std::size_t seen = 0;
    std::vector<std::string> warnings;
    db.on_statement([&](const sluice::statement_event& e) {
        if (!e.warning.empty()) warnings.emplace_back(e.warning);
    });
    for (std::span<const Payment> batch : db.query<Payment>().order_by(desc(&Payment::payment_date)).batches(9)) seen += batch.size();
    db.on_statement(nullptr);
    CHECK(seen == 40);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("ORDER BY payment_date DESC, payment_id DESC has no usable index") != std::string::npos);
}

TEST_CASE("plan check, error: the scan throws before any row is handed out, naming the index to add") {
    auto db = payments(40);
    if (support::tables_sharded()) return;
    db.set_plan_check(sluice::plan_check::error);
    std::size_t rows = 0;
    CHECK_THROWS_WITH_AS(walk_rows(db.query<Payment>().order_by(&Payment::amount), rows),
                         "sluice: payment: ORDER BY amount, payment_id has no usable index: every page reads the whole table; "
                         "add indexes{\"amount\"}",
                         sluice::error);
    CHECK(rows == 0);
    std::size_t batches = 0;
    CHECK_THROWS_AS(walk_batches(db.query<Payment>().where(col(&Payment::staff_id) == 1).order_by(&Payment::amount), batches), sluice::error);
    CHECK(batches == 0);
    // An equality filter on a column of another index: that index and a sort of what it matches.
    try {
        for (const Payment& p : db.query<Payment>().where(col(&Payment::staff_id) == 1).order_by(&Payment::amount).yield_per(5)) (void)p;
        FAIL("expected the plan check to refuse the scan");
    } catch (const sluice::error& e) {
        CHECK(std::string(e.what()) ==
              "sluice: payment: WHERE staff_id = ? ORDER BY amount, payment_id has no usable index: every page reads every row the "
              "filters match, and sorts them; add indexes{\"staff_id,amount\"}");
    }
    // A range is not an equality: (customer_id, amount) does not give amount order for customer_id > 5.
    CHECK_THROWS_WITH_AS(scan(db, db.query<Payment>().where(col(&Payment::customer_id) > 5).order_by(&Payment::amount)),
                         doctest::Contains("ORDER BY amount, payment_id has no usable index"), sluice::error);
    // A composite index's first column alone: within one customer_id it gives amount order, not
    // the payment_id tiebreak's.
    CHECK_THROWS_WITH_AS(scan(db, db.query<Payment>().order_by(&Payment::customer_id)),
                         "sluice: payment: ORDER BY customer_id, payment_id has no usable index: every page reads the whole table; "
                         "add indexes{\"customer_id\"}",
                         sluice::error);
    // Mixed directions need an index with those directions, which indexes{} cannot declare.
    CHECK_THROWS_WITH_AS(scan(db, db.query<Payment>().order_by(&Payment::customer_id).order_by(desc(&Payment::amount))),
                         doctest::Contains("ORDER BY customer_id, amount DESC, payment_id has no usable index: every page reads the whole "
                                           "table; create an index on (customer_id, amount DESC) in the database"),
                         sluice::error);
    // The same scans run once the index exists.
    db.execute("CREATE INDEX ix_payment_staff_amount ON payment (staff_id, amount)");
    const auto staff = oracle::filtered(db.query<Payment>().all(), [](const Payment& p) { return p.staff_id == 1; });
    CHECK(scan(db, db.query<Payment>().where(col(&Payment::staff_id) == 1).order_by(&Payment::amount)).rows == staff.size());
}

TEST_CASE("plan check: quiet on the primary key, on an index, on a composite index after equalities, and on one row") {
    auto db = payments(60);
    db.set_plan_check(sluice::plan_check::error);
    struct named {
        const char* what;
        sluice::query<Payment> q;
        std::size_t rows;
    };
    const auto all = db.query<Payment>().all();
    auto count = [&](auto keep) { return oracle::filtered(all, keep).size(); };
    const named quiet[] = {
        {"primary key order", db.query<Payment>(), all.size()},
        {"primary key descending", db.query<Payment>().order_by(desc(&Payment::payment_id)), all.size()},
        {"an indexed column", db.query<Payment>().order_by(&Payment::staff_id), all.size()},
        {"an indexed column, descending, filtered", db.query<Payment>().where(col(&Payment::amount) > 500).order_by(desc(&Payment::staff_id)),
         count([](const Payment& p) { return p.amount > 500; })},
        {"a composite index", db.query<Payment>().order_by(&Payment::customer_id).order_by(&Payment::amount), all.size()},
        {"a composite index backwards", db.query<Payment>().order_by(desc(&Payment::customer_id)).order_by(desc(&Payment::amount)), all.size()},
        {"a composite index after an equality", db.query<Payment>().where(col(&Payment::customer_id) == 7).order_by(&Payment::amount),
         count([](const Payment& p) { return p.customer_id == 7; })},
        {"an equality as IN of one value, and more filters",
         db.query<Payment>().where(col(&Payment::customer_id).in({7}) && col(&Payment::staff_id) != 2).order_by(desc(&Payment::amount)),
         count([](const Payment& p) { return p.customer_id == 7 && p.staff_id != 2; })},
        {"one row by primary key", db.query<Payment>().where(col(&Payment::payment_id) == 3).order_by(&Payment::payment_date), 1},
    };
    for (const named& n : quiet) {
        CAPTURE(std::string(n.what));
        scan_report r;
        CHECK_NOTHROW(r = scan(db, n.q, 4));
        CHECK(r.rows == n.rows);
        CHECK(r.warnings.empty());
    }
}

TEST_CASE("plan check: a prefix index gives no order; SQLite's indexes end with the rowid, not a composite key") {
    auto db = payments(20);
    if (support::tables_sharded()) return;
    db.set_plan_check(sluice::plan_check::error);
    if (!support::is_sqlite()) {
        // MariaDB indexes TEXT by a prefix only, which sorts nothing.
        db.execute("CREATE INDEX ix_payment_note ON payment (note(10))");
        CHECK_THROWS_WITH_AS(scan(db, db.query<Payment>().order_by(&Payment::note)),
                             doctest::Contains("ORDER BY note, payment_id has no usable index"), sluice::error);
    }
    auto org = support::fresh<OrgMembership>();
    org.set_plan_check(sluice::plan_check::error);
    std::vector<OrgMembership> rows;
    for (std::int64_t o = 1; o <= 4; ++o)
        for (std::int64_t u = 1; u <= 5; ++u) rows.push_back({o, u, u % 2 ? "member" : "admin", std::nullopt});
    org.insert_many(rows);
    const auto by_role = org.query<OrgMembership>().order_by(&OrgMembership::role);
    // On SQLite an index on role alone ends with the rowid, and the order's (org_id, user_id)
    // tiebreak would be sorted per role; InnoDB's ends with the primary key.
    const std::string suggestion = support::is_sqlite() ? "role,org_id,user_id" : "role";
    CHECK_THROWS_WITH_AS(scan(org, by_role), ("sluice: org_membership: ORDER BY role, org_id, user_id has no usable index: every page "
                                              "reads the whole table; add indexes{\"" + suggestion + "\"}").c_str(),
                         sluice::error);
    // A whole-column index: on MariaDB not of a TEXT column, which it would index by a prefix.
    if (!support::is_sqlite()) org.execute("ALTER TABLE org_membership MODIFY role VARCHAR(32) NOT NULL");
    org.execute("CREATE INDEX ix_org_membership_role ON org_membership (role)");
    if (support::is_sqlite()) {
        CHECK_THROWS_AS(scan(org, by_role), sluice::error);
        org.execute("CREATE INDEX ix_org_membership_role_key ON org_membership (role, org_id, user_id)");
    }
    CHECK(scan(org, by_role).rows == rows.size());
    CHECK(scan(org, org.query<OrgMembership>().where(col(&OrgMembership::org_id) == 2)).rows == 5);  // key order after an equality
}

TEST_CASE("EXPLAIN: late keyset pages over an index read index ranges (a composite index after an equality, a single one)") {
    if (support::tables_sharded()) return;  // the front end holds no indexes (test_plan.cpp asks a backend)
    auto db = payments(6000, 1502);
    if (!support::is_sqlite()) db.execute("ANALYZE TABLE payment");
    else db.execute("ANALYZE");
    db.set_plan_check(sluice::plan_check::error);  // and the check agrees: these scans are fine
    struct late_page {
        std::string sql;
        std::vector<std::string> values;
    };
    // The last SELECT of a scan stopped three quarters in; on SQLite the branch of a page that
    // continues inside a run of equal keys (`= ? AND "payment_id" > ?`).
    auto late = [&](const sluice::query<Payment>& q, std::size_t stop, const std::string& branch) {
        late_page last;
        db.on_statement([&](const sluice::statement_event& e) {
            if (e.sql.find("SELECT") != 0) return;
            if (support::is_sqlite() && e.sql.find(branch) == std::string_view::npos) return;
            last = {std::string(e.sql), std::vector<std::string>(e.values.begin(), e.values.end())};
        });
        std::size_t seen = 0;
        for (const Payment& p : q.yield_per(50)) {
            (void)p;
            if (++seen == stop) break;
        }
        db.on_statement(nullptr);
        return last;
    };
    auto explain = [&](const late_page& page) {
        REQUIRE(page.sql.find("ORDER BY") != std::string::npos);
        std::vector<sluice::value_ref> values;
        for (const std::string& v : page.values) values.emplace_back(static_cast<std::int64_t>(std::stoll(v)));  // all integers here
        return db.rows((support::is_sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + page.sql, std::span<const sluice::value_ref>(values));
    };
    const auto customer = db.query<Payment>().where(col(&Payment::customer_id) == 7).order_by(&Payment::amount);
    const std::size_t matching = customer.count();
    REQUIRE(matching > 200);
    const late_page by_amount = late(customer, matching * 3 / 4, support::is_sqlite() ? R"("amount" = ? AND "payment_id" > ?)" : "");
    const late_page by_staff =
        late(db.query<Payment>().order_by(&Payment::staff_id), 4500, support::is_sqlite() ? R"("staff_id" = ? AND "payment_id" > ?)" : "");
    // No structured bindings: clang 14 cannot capture them (CAPTURE does).
    for (const auto& checked : {std::pair{by_amount, "ix_payment_customer_id_amount"}, std::pair{by_staff, "ix_payment_staff_id"}}) {
        const late_page& page = checked.first;
        const std::string index = checked.second;
        CAPTURE(page.sql);
        const auto plan = explain(page);
        REQUIRE(!plan.empty());
        if (support::is_sqlite()) {
            const std::string detail = plan[0].back().value_or("");
            CAPTURE(detail);
            CHECK(detail.find("SEARCH") == 0);
            CHECK(detail.find("USING INDEX " + index) != std::string::npos);
            for (const auto& row : plan) CHECK(row.back().value_or("").find("TEMP B-TREE") == std::string::npos);
        } else {
            // EXPLAIN columns: id, select_type, table, type, possible_keys, key, key_len, ref, rows, Extra
            const std::string type = plan[0].at(3).value_or("");
            CAPTURE(type);
            CHECK((type == "range" || type == "ref"));
            CHECK(plan[0].at(5).value_or("") == index);
            CHECK(plan[0].at(9).value_or("").find("filesort") == std::string::npos);
        }
    }
}
