// Prefetched pages (MariaDB): the next page's SELECT is sent as soon as a page is read. Pages
// against one unpaged query with prefetch on and off, statements in the loop body, a KILL with a
// page in flight, early exit, transactions, and two scans interleaved on one session.
#include <doctest/doctest.h>

#include <thread>

#include "../models.hpp"
#include "../oracle.hpp"
#include "../support.hpp"

using models::User;
using sluice::col;

namespace {

struct counted_log {
    std::size_t prefetched = 0, statements = 0, reconnects = 0;
    sluice::statement_log log() {
        return {.sink =
                    [this](const sluice::log_record& r) {
                        if (r.event == sluice::log_event::reconnect) ++reconnects;
                        if (r.event != sluice::log_event::statement) return;
                        ++statements;
                        prefetched += std::string_view(r.message).find("prefetched page") != std::string_view::npos;
                    },
                .level = sluice::log_level::trace};
    }
};

std::vector<std::int64_t> ids_of(const std::vector<User>& rows) {
    std::vector<std::int64_t> ids;
    for (const User& u : rows) ids.push_back(u.id);
    return ids;
}

}  // namespace

TEST_CASE("prefetch: pages with the next one in flight equal one unpaged query, for every page size near the edges") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(311, 77));
    const auto q = db.query<User>().where(col(&User::age) >= 4).order_by(&User::age);
    const auto expected = ids_of(q.all());
    const std::size_t n = expected.size();
    REQUIRE(n > 100);
    counted_log log;
    db.set_log(log.log());
    for (bool on : {true, false})
        for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{7}, n - 1, n, n + 1}) {
            CAPTURE(on);
            CAPTURE(page);
            std::vector<std::int64_t> seen;
            for (const User& u : q.prefetch(on).yield_per(page)) seen.push_back(u.id);
            CHECK(seen == expected);
            std::vector<std::int64_t> batched;
            for (const auto& batch : q.prefetch(on).batches(page))
                for (const User& u : batch) batched.push_back(u.id);
            CHECK(batched == expected);
        }
    // Prefetching happens on MariaDB only, and only when on.
    if (support::is_sqlite()) CHECK(log.prefetched == 0);
    else CHECK(log.prefetched > n);
    const std::size_t before = log.prefetched;
    for (const User& u : q.prefetch(false).yield_per(10)) (void)u;
    CHECK(log.prefetched == before);
}

TEST_CASE("prefetch: statements in the loop body run after the page in flight is read; nothing is lost or reordered") {
    auto db = support::fresh<User, models::UsersCopy>();
    db.insert_many(oracle::random_users(250, 5));
    const auto expected = ids_of(db.query<User>().order_by(&User::id).all());
    std::vector<std::int64_t> seen;
    std::size_t writes = 0;
    for (const auto& batch : db.query<User>().order_by(&User::id).batches(16)) {
        models::UsersCopy copy{0, "page", 1, 2.0, support::at(2024, 1, 1), std::nullopt};
        db.insert(copy);  // one write per page, on the same session, with the next page in flight
        ++writes;
        for (const User& u : batch) {
            seen.push_back(u.id);
            if (u.id % 50 == 0) CHECK(db.get<User>(u.id).has_value());  // and reads mid-page
        }
    }
    CHECK(seen == expected);
    CHECK(db.query<models::UsersCopy>().count() == writes);
    // Two scans interleaved on one session: each one's page in flight is read before the other's statement.
    std::vector<std::int64_t> outer, inner;
    for (const User& u : db.query<User>().order_by(&User::id).yield_per(7)) {
        outer.push_back(u.id);
        if (outer.size() % 60 == 1)
            for (const User& v : db.query<User>().where(col(&User::id) <= u.id).order_by(sluice::desc(&User::id)).yield_per(9))
                inner.push_back(v.id);
    }
    CHECK(outer == expected);
    CHECK(!inner.empty());
}

TEST_CASE("prefetch: a connection KILLed with a page in flight resumes exactly; early exit leaves the session usable") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(200, 9));
    db.set_retry_policy({.attempts = 4, .initial_backoff = std::chrono::milliseconds(5)});
    const auto expected = ids_of(db.query<User>().order_by(&User::age).all());
    counted_log log;
    db.set_log(log.log());
    std::vector<std::int64_t> seen;
    int pages = 0;
    sluice::session control = support::connect();
    auto range = db.query<User>().order_by(&User::age).yield_per(25).on_batch([&](const sluice::batch_progress&) {
        // Called after a page is read and the next one sent: break the connection between the
        // send and the read.
        if (++pages != 3 || support::is_sqlite()) return;
        const std::uint64_t id = db.connection_id();
        control.execute("KILL CONNECTION " + std::to_string(id));
        for (int i = 0; i < 200 && !control.rows("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", id).empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
    for (const User& u : range) seen.push_back(u.id);
    CHECK(seen == expected);
    if (!support::is_sqlite()) CHECK(log.reconnects == 1);
    // Leaving with a page in flight: the session goes on (the page is read and dropped).
    for (int i = 0; i < 3; ++i) {
        std::size_t taken = 0;
        for (const User& u : db.query<User>().order_by(&User::id).yield_per(20)) {
            (void)u;
            if (++taken == 5) break;
        }
        CHECK(taken == 5);
        CHECK(db.query<User>().count() == 200);
    }
}

TEST_CASE("prefetch: inside a transaction nothing is prefetched, and the scan sees the transaction's writes") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(60, 3));
    counted_log log;
    db.set_log(log.log());
    auto tx = db.transaction();
    User extra{0, "in tx", 99, 1.0, support::at(2024, 1, 1), std::nullopt};
    db.insert(extra);
    std::size_t seen = 0;
    bool found = false;
    for (const User& u : db.query<User>().yield_per(7)) {
        ++seen;
        found = found || u.id == extra.id;
    }
    tx.commit();
    CHECK(seen == 61);
    CHECK(found);
    CHECK(log.prefetched == 0);
}
