// stream<R> and fetch_all<R> over any SQL: typed rows from joins and GROUP BY against C++
// oracles, tuples, column mismatches, early exit from huge results, writes in the loop body,
// transactions, a slow consumer and a lost connection.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "../models.hpp"
#include "../support.hpp"

using models::User;
using sluice::col;
using namespace std::chrono_literals;

namespace {

struct StreamCustomer {
    static constexpr std::string_view table_name = "stream_customers";
    std::int64_t id = 0;
    std::string first_name;
    std::string last_name;
};

struct StreamPayment {
    static constexpr std::string_view table_name = "stream_payments";
    static constexpr std::array<std::string_view, 1> indexes{"customer_id"};
    static constexpr sluice::column_option columns[] = {{.field = "amount", .sql_type = "DECIMAL(9,2)"}};
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    sluice::decimal amount;
    sluice::datetime paid_at{};
};

// A report row: no table, no key; fields matched to result columns by name.
struct CustomerTotal {
    std::int64_t customer_id = 0;
    std::string name;
    sluice::decimal total;
    std::int64_t payments = 0;
    bool operator==(const CustomerTotal&) const = default;
};

struct Seeded {
    sluice::session db;
    sluice::datetime since;
    std::vector<CustomerTotal> expected;  // per customer with payments since `since`, by id
};

// Customers and payments with random amounts in quarters (exact in binary floating point, so
// SQLite's floating SUM is exact too) and the report computed in C++.
Seeded seed(std::uint64_t seed_value) {
    auto db = support::fresh<StreamCustomer, StreamPayment>();
    std::mt19937_64 rng(seed_value);
    std::vector<StreamCustomer> customers;
    for (int i = 1; i <= 40; ++i) customers.push_back({i, "First" + std::to_string(i), "Last" + std::to_string(rng() % 7)});
    db.insert_many(customers);
    const sluice::datetime since = support::at(2024, 3, 1);
    std::vector<StreamPayment> payments;
    std::map<std::int64_t, CustomerTotal> totals;
    for (int i = 0; i < 700; ++i) {
        const std::int64_t customer = 1 + static_cast<std::int64_t>(rng() % 37);  // customers 38..40 pay nothing
        const sluice::decimal amount = sluice::decimal::from_unscaled(static_cast<sluice::int128_t>(rng() % 40000) * 25, 2);
        const sluice::datetime at = support::at(2024, 1 + static_cast<unsigned>(rng() % 6), 1 + static_cast<unsigned>(rng() % 28));
        payments.push_back({0, customer, amount, at});
        if (at < since) continue;
        CustomerTotal& t = totals[customer];
        t.customer_id = customer;
        t.name = customers[static_cast<std::size_t>(customer - 1)].first_name + " " + customers[static_cast<std::size_t>(customer - 1)].last_name;
        t.total = t.total + amount;
        ++t.payments;
    }
    db.insert_many(payments);
    std::vector<CustomerTotal> expected;
    for (auto& [id, t] : totals) expected.push_back(t);
    return {std::move(db), since, std::move(expected)};
}

std::string report_sql() {
    const std::string name = support::is_sqlite() ? "c.first_name || ' ' || c.last_name" : "CONCAT(c.first_name, ' ', c.last_name)";
    return "SELECT c.id AS customer_id, " + name + " AS name, SUM(p.amount) AS total, COUNT(*) AS payments "
           "FROM stream_payments p JOIN stream_customers c ON c.id = p.customer_id "
           "WHERE p.paid_at >= ? GROUP BY c.id, c.first_name, c.last_name ORDER BY c.id";
}

// A result far too long to read to its end: ending it early must not read the rest.
std::string endless_sql() {
    return support::is_sqlite()
               ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) SELECT i, 'padding' AS pad FROM n"
               : "SELECT seq AS i, 'padding' AS pad FROM seq_1_to_10000000000";
}

using Pair = std::tuple<std::int64_t, std::string>;

}  // namespace

TEST_CASE("stream<R>: a join with GROUP BY into a row struct, rows as the oracle computes them; fetch_all the same") {
    for (std::uint64_t s : {1u, 2u, 3u}) {
        auto seeded = seed(s);
        std::vector<CustomerTotal> got;
        for (const CustomerTotal& r : seeded.db.stream<CustomerTotal>(report_sql(), seeded.since)) got.push_back(r);
        CHECK(got == seeded.expected);
        CHECK(seeded.db.fetch_all<CustomerTotal>(report_sql(), seeded.since) == seeded.expected);
        // Decimals come back exactly; MariaDB's SUM keeps the column's scale (SQLite's computed
        // REAL has no declared type, so it shows the shortest digits: 57477.5).
        REQUIRE(!got.empty());
        if (!support::is_sqlite()) CHECK(got.front().total.to_string() == seeded.expected.front().total.to_string());
    }
}

TEST_CASE("stream<tuple>: columns by position; a single column; NULLs into optionals") {
    auto seeded = seed(7);
    std::map<std::int64_t, std::int64_t> counts;
    for (const auto& t : seeded.expected) counts[t.customer_id] = t.payments;
    std::map<std::int64_t, std::int64_t> got;
    for (auto [id, n] : seeded.db.stream<std::tuple<std::int64_t, std::int64_t>>(
             "SELECT customer_id, COUNT(*) FROM stream_payments WHERE paid_at >= ? GROUP BY customer_id", seeded.since))
        got[id] = n;
    CHECK(got == counts);
    const auto one = seeded.db.fetch_all<std::tuple<std::int64_t>>("SELECT COUNT(*) FROM stream_customers");
    REQUIRE(one.size() == 1);
    CHECK(std::get<0>(one[0]) == 40);
    // Customers without payments: a LEFT JOIN gives NULL totals.
    const auto none = seeded.db.fetch_all<std::tuple<std::int64_t, std::optional<sluice::decimal>>>(
        "SELECT c.id, SUM(p.amount) FROM stream_customers c LEFT JOIN stream_payments p ON p.customer_id = c.id "
        "WHERE c.id > 37 GROUP BY c.id ORDER BY c.id");
    REQUIRE(none.size() == 3);
    for (const auto& [id, total] : none) CHECK(!total.has_value());
}

TEST_CASE("stream<R>: result columns and fields that do not match are errors before the first row") {
    auto seeded = seed(11);
    auto& db = seeded.db;
    auto refused = [&](const std::string& sql, const char* why) {
        CAPTURE(sql);
        CHECK_THROWS_WITH_AS(db.stream<CustomerTotal>(sql), doctest::Contains(why), sluice::error);
    };
    refused("SELECT id AS customer_id, first_name AS name, 1.5 AS total, 2 AS payments, 3 AS extra FROM stream_customers",
            "the result column 'extra' has no field");
    refused("SELECT id AS customer_id, first_name AS name, 2 AS payments FROM stream_customers", "no result column for field total");
    refused("SELECT id AS customer_id, first_name AS name, last_name AS name, 1 AS total, 2 AS payments FROM stream_customers",
            "two result columns are named 'name'");
    CHECK_THROWS_WITH_AS((db.stream<std::tuple<std::int64_t, std::int64_t>>("SELECT id FROM stream_customers")),
                         doctest::Contains("the result has 1 columns, the tuple 2 elements"), sluice::error);
    CHECK_THROWS_WITH_AS(db.stream<CustomerTotal>("DELETE FROM stream_customers WHERE id < 0"),
                         doctest::Contains("returns no rows"), sluice::error);
    CHECK_THROWS_AS(db.stream<CustomerTotal>("SELECT no_such_column FROM stream_customers"), sluice::statement_error);
    // A column whose type the field cannot take. MariaDB declares it: refused before any row,
    // even for an empty result. SQLite types values: the first row is refused, naming the column.
    const std::string misfit = "SELECT first_name AS customer_id, last_name AS name, 1 AS total, 2 AS payments FROM stream_customers";
    if (support::is_sqlite()) {
        auto rows = db.stream<CustomerTotal>(misfit);
        CHECK_THROWS_WITH_AS(rows.begin(), doctest::Contains("row 1, result column 'customer_id'"), sluice::conversion_error);
    } else {
        CHECK_THROWS_WITH_AS(db.stream<CustomerTotal>(misfit + " WHERE 1 = 0"),
                             doctest::Contains("result column 'customer_id' is text, which field customer_id (int64) cannot hold"),
                             sluice::conversion_error);
    }
    // SQLite's floating-point sum of 0.1 and 0.2 is not an exact decimal: refused, never rounded.
    if (support::is_sqlite()) {
        auto rows = db.stream<std::tuple<sluice::decimal>>("SELECT 0.1 + 0.2");
        CHECK_THROWS_WITH_AS(rows.begin(), doctest::Contains("an exact decimal"), sluice::conversion_error);
    }
    // The session is fine after every refusal.
    CHECK(db.fetch_all<std::tuple<std::int64_t>>("SELECT COUNT(*) FROM stream_customers").size() == 1);
}

TEST_CASE("stream<R>: leaving a practically endless result early ends it at once; the session and later streams work") {
    auto db = support::fresh<User>();
    for (int how = 0; how < 3; ++how) {
        CAPTURE(how);
        const auto start = std::chrono::steady_clock::now();
        std::int64_t last = 0;
        try {
            auto rows = db.stream<std::tuple<std::int64_t, std::string>>(endless_sql());
            for (const auto& [i, pad] : rows) {
                last = i;
                if (i == 10) {
                    if (how == 0) break;                              // break out
                    if (how == 1) throw std::runtime_error("body failed");  // an exception in the body
                    rows.close();                                     // explicit close
                }
            }
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "body failed");
        }
        CHECK(last == 10);
        MESSAGE("left a 10-billion-row stream after 10 rows in "
                << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() << " ms");
        CHECK(db.query<User>().count() == 0);
    }
    // A range destroyed before it is iterated.
    { auto unused = db.stream<std::tuple<std::int64_t, std::string>>(endless_sql()); }
    CHECK(db.fetch_all<std::tuple<std::int64_t>>("SELECT 1").size() == 1);
}

TEST_CASE("stream<R>: the loop body writes through the session; the stream reads the table as of its start") {
    auto db = support::fresh<User>();
    std::vector<User> rows;
    for (int i = 0; i < 300; ++i) rows.push_back(User{0, "u" + std::to_string(i), i % 30, 1.0, support::at(2024, 1, 1), std::nullopt});
    db.insert_many(rows);
    std::size_t seen = 0;
    for (const auto& [id, name] : db.stream<Pair>("SELECT id, name FROM users ORDER BY id")) {
        ++seen;
        User copy{0, name + " copy", 1, 2.0, support::at(2024, 2, 2), std::nullopt};
        db.insert(copy);                                       // a write on the session mid-stream
        CHECK(db.get<User>(id).has_value());                    // and reads
        db.query<User>().where(col(&User::id) == id).update(sluice::set(&User::age, 99));
    }
    CHECK(seen == 300);
    CHECK(db.query<User>().count() == 600);
    CHECK(db.query<User>().where(col(&User::age) == 99).count() == 300);
}

TEST_CASE("stream<R> inside a transaction: it sees the transaction's writes; other statements wait for it to end") {
    auto db = support::fresh<User>();
    auto tx = db.transaction();
    User u{0, "uncommitted", 1, 1.0, support::at(2024, 1, 1), std::nullopt};
    db.insert(u);
    std::size_t seen = 0;
    {
        auto rows = db.stream<Pair>("SELECT id, name FROM users");
        for (const auto& [id, name] : rows) {
            ++seen;
            CHECK(name == "uncommitted");
            CHECK_THROWS_WITH_AS(db.query<User>().count(), doctest::Contains("a stream<> is open on this session's connection"),
                                 sluice::error);
        }
    }
    CHECK(seen == 1);
    CHECK(db.query<User>().count() == 1);  // the stream has ended
    // Left early inside the transaction: the statement is stopped, the transaction goes on.
    {
        auto rows = db.stream<std::tuple<std::int64_t, std::string>>(endless_sql());
        for (const auto& [i, pad] : rows)
            if (i == 3) break;
    }
    User v{0, "second", 2, 1.0, support::at(2024, 1, 1), std::nullopt};
    db.insert(v);
    tx.commit();
    CHECK(db.query<User>().count() == 2);
}

TEST_CASE("stream<R> inside a transaction: commit() is refused while it is open, rollback() ends it with the reason") {
    auto db = support::fresh<User>();
    {
        auto tx = db.transaction();
        User u{0, "kept", 1, 1.0, support::at(2024, 1, 1), std::nullopt};
        db.insert(u);
        {
            auto rows = db.stream<Pair>("SELECT id, name FROM users");
            for (const auto& row : rows) {
                (void)row;
                CHECK_THROWS_WITH_AS(tx.commit(), doctest::Contains("a stream<> is open"), sluice::error);
                CHECK(db.in_transaction());  // the guard is intact
            }
        }
        tx.commit();  // the stream has ended: now it commits
    }
    CHECK(!db.in_transaction());
    CHECK(support::connect().query<User>().count() == 1);  // committed, seen by another session
    {
        auto tx = db.transaction();
        User v{0, "rolled back", 2, 1.0, support::at(2024, 1, 1), std::nullopt};
        db.insert(v);
        auto rows = db.stream<Pair>("SELECT id, name FROM users");
        auto it = rows.begin();
        tx.rollback();
        CHECK_THROWS_WITH_AS(++it, doctest::Contains("the transaction it ran in was rolled back"), sluice::error);
    }
    CHECK(!db.in_transaction());
    CHECK(db.query<User>().count() == 1);
}

TEST_CASE("stream<R>: a spare stream connection closed while idle is replaced") {
    if (support::is_sqlite()) return;  // no server to close it
    auto db = support::fresh<User>();
    CHECK(db.fetch_all<std::tuple<std::int64_t>>("SELECT 1").size() == 1);  // the spare now exists
    sluice::session control = support::connect();
    // The spare was opened after the session's connection and before control's.
    const auto spares = control.rows("SELECT ID FROM information_schema.PROCESSLIST WHERE ID > ? AND ID < CONNECTION_ID()",
                                     db.connection_id());
    REQUIRE(spares.size() == 1);
    control.execute("KILL CONNECTION " + spares[0][0].value_or("0"));
    std::this_thread::sleep_for(100ms);
    CHECK(db.fetch_all<std::tuple<std::int64_t>>("SELECT 2").size() == 1);
}

TEST_CASE("stream<R>: a consumer slower than net_write_timeout keeps receiving rows") {
    auto db = support::fresh<User>();
    const int rows_wanted = 1000000;
    // 1M rows of 200 bytes: far more than the socket buffers, so the server waits on the pause.
    const std::string sql = support::is_sqlite()
                                ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
                                  "SELECT i, printf('%200d', i) AS pad FROM n"
                                : "SELECT seq AS i, LPAD(seq, 200, ' ') AS pad FROM seq_1_to_1000000";
    struct restore {
        sluice::session* db;
        std::string old;
        ~restore() {
            if (db) db->execute("SET GLOBAL net_write_timeout = " + old);
        }
    } restored{nullptr, {}};
    if (!support::is_sqlite()) {
        restored.old = db.scalar("SELECT @@GLOBAL.net_write_timeout").value_or("60");
        db.execute("SET GLOBAL net_write_timeout = 2");
        restored.db = &db;
    }
    std::int64_t count = 0, sum_ok = 0;
    for (const auto& [i, pad] : db.stream<std::tuple<std::int64_t, std::string>>(sql)) {
        ++count;
        sum_ok += pad.size() == 200 && std::stoll(pad) == i;
        if (count == 10) std::this_thread::sleep_for(3s);  // longer than net_write_timeout
    }
    CHECK(count == rows_wanted);
    CHECK(sum_ok == rows_wanted);
}

TEST_CASE("stream<R>: a connection lost mid-stream is a connection_error saying how many rows were handed out") {
    if (support::is_sqlite()) return;  // an embedded database has no connection to lose
    auto db = support::fresh<User>();
    sluice::session control = support::connect();
    std::int64_t handed = 0;
    try {
        for (const auto& [i, pad] : db.stream<std::tuple<std::int64_t, std::string>>(endless_sql())) {
            handed = i;
            if (i == 1000) {
                const auto id = control.scalar("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT seq AS i%' "
                                               "AND ID <> CONNECTION_ID()");
                REQUIRE(id);
                control.execute("KILL CONNECTION " + *id);
            }
        }
        FAIL("the stream ended without an error");
    } catch (const sluice::connection_error& e) {
        CAPTURE(e.what());
        CHECK(handed >= 1000);
        CHECK(std::string(e.what()).find("lost after " + std::to_string(handed) + " rows were handed out") != std::string::npos);
        CHECK(std::string(e.what()).find("cannot resume") != std::string::npos);
    }
    CHECK(db.query<User>().count() == 0);  // the session's own connection is untouched
    CHECK(db.fetch_all<std::tuple<std::int64_t>>("SELECT 1").size() == 1);  // a new stream connection
}
