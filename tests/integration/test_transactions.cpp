// Transactions: commit, rollback, savepoints, flat nesting, retry_transaction.
#include <doctest/doctest.h>

#include "../models.hpp"
#include "../support.hpp"

using models::User;

namespace {
std::string count(sluice::session& db) { return db.scalar("SELECT COUNT(*) FROM users").value_or("?"); }
User someone(std::string name) { return User{0, std::move(name), 30, 1.0, support::at(2024, 1, 1), std::nullopt}; }
}  // namespace

TEST_CASE("commit keeps the writes; another connection sees them") {
    auto db = support::fresh<User>();
    {
        auto tx = db.transaction();
        CHECK(db.in_transaction());
        User u = someone("kept");
        db.insert(u);
        tx.commit();
        CHECK_FALSE(tx.active());
    }
    CHECK_FALSE(db.in_transaction());
    auto other = support::connect();
    CHECK(count(other) == "1");
}

TEST_CASE("rollback, explicit or by destruction, discards the writes") {
    auto db = support::fresh<User>();
    {
        auto tx = db.transaction();
        User u = someone("discarded");
        db.insert(u);
        tx.rollback();
    }
    CHECK(count(db) == "0");
    try {
        auto tx = db.transaction();
        User u = someone("also discarded");
        db.insert(u);
        throw std::runtime_error("the caller failed half-way");
    } catch (const std::runtime_error&) {
    }
    CHECK_FALSE(db.in_transaction());
    CHECK(count(db) == "0");
}

TEST_CASE("nested transactions are savepoints: an inner rollback keeps the outer work") {
    if (!support::has_savepoints()) return;  // the next test covers flat nesting
    auto db = support::fresh<User>();
    auto outer = db.transaction();
    User a = someone("outer");
    db.insert(a);
    {
        auto inner = db.transaction();
        User b = someone("inner");
        db.insert(b);
        CHECK(count(db) == "2");
        CHECK_THROWS_WITH_AS(outer.commit(), doctest::Contains("nested one is still open"), sluice::error);
        inner.rollback();
    }
    {
        auto inner = db.transaction();
        User c = someone("inner kept");
        db.insert(c);
        inner.commit();
    }
    outer.commit();
    CHECK(count(db) == "2");
    CHECK_THROWS_AS(outer.commit(), sluice::error);
}

TEST_CASE("without savepoints (a server that refuses them) nested transactions are flat: inner commit is a no-op, inner rollback dooms all") {
    auto db = support::fresh<User>();
    auto outer = db.transaction();
    User a = someone("outer");
    db.insert(a);  // on a tier without savepoints the server now refuses SAVEPOINT
    {
        auto inner = db.transaction();
        CHECK(inner.flat() == !support::has_savepoints());
        User b = someone("inner kept");
        db.insert(b);
        inner.commit();
    }
    CHECK(count(db) == "2");
    {
        auto inner = db.transaction();
        User c = someone("inner undone");
        db.insert(c);
        inner.rollback();
    }
    if (support::has_savepoints()) {
        outer.commit();
        CHECK(count(db) == "2");
        return;
    }
    // The flat rollback took the whole transaction. The session stays in a replacement one, so a
    // write after it is not committed on its own; the outer guard rolls it back and says why.
    CHECK(db.in_transaction());
    User late = someone("late");
    db.insert(late);
    CHECK_THROWS_WITH_AS(outer.commit(), doctest::Contains("a nested transaction rolled back"), sluice::error);
    CHECK_FALSE(db.in_transaction());
    CHECK(count(db) == "0");
    // The session goes on normally.
    auto next = db.transaction();
    User d = someone("after");
    db.insert(d);
    next.commit();
    CHECK(count(db) == "1");
}

TEST_CASE("retry_transaction reruns only as the outermost transaction") {
    auto db = support::fresh<User>();
    int runs = 0;
    auto deadlocked = [&] {
        ++runs;
        User u = someone("attempt " + std::to_string(runs));
        db.insert(u);
        throw sluice::statement_error("simulated deadlock", 1213, "40001");
    };
    CHECK_THROWS_AS(db.retry_transaction(deadlocked, 3), sluice::statement_error);
    CHECK(runs == 3);
    CHECK(count(db) == "0");  // every attempt rolled back
    runs = 0;
    {
        auto outer = db.transaction();
        // Nested, a deadlock would already have ended the whole transaction: no rerun here.
        CHECK_THROWS_AS(db.retry_transaction(deadlocked, 3), sluice::statement_error);
        CHECK(runs == 1);
        CHECK(db.in_transaction());
        outer.rollback();
    }
    CHECK(count(db) == "0");
}

TEST_CASE("a failed statement inside a transaction leaves it usable for rollback") {
    auto db = support::fresh<User>();
    auto tx = db.transaction();
    User u{5, "five", 1, 0, support::at(2024, 1, 1), std::nullopt};
    db.insert(u);
    User dup = u;
    CHECK_THROWS_AS(db.insert(dup), sluice::statement_error);
    tx.rollback();
    CHECK(count(db) == "0");
}
