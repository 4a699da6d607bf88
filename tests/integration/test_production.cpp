// A pool a service can run on (on_connect, idle checks, lifetimes) and the leveled statement log,
// on both backends; killed connections are real KILLs on MariaDB.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../../lib/session/session_impl.hpp"
#include "../models.hpp"
#include "../support.hpp"

using models::User;
using namespace std::chrono_literals;

namespace {

struct Account {
    static constexpr std::string_view table_name = "log_accounts";
    static constexpr std::array<std::string_view, 1> unique_indexes{"email"};
    std::int64_t id = 0;
    std::string email;
};

User someone(const std::string& name) { return User{0, name, 30, 1.0, support::at(2024, 1, 1), std::nullopt}; }

// Records from any thread, kept for the checks.
struct captured_log {
    std::mutex mutex;
    std::vector<sluice::log_record> records;
    std::vector<std::string> messages, sql, errors;
    sluice::statement_log log(sluice::log_level level, bool show_values = false, std::chrono::milliseconds slow = 1000ms) {
        return {.sink =
                    [this](const sluice::log_record& r) {
                        std::lock_guard<std::mutex> lock(mutex);
                        records.push_back(r);
                        messages.emplace_back(r.message);
                        sql.emplace_back(r.sql);
                        errors.emplace_back(r.error);
                        // The views die with the call: keep copies, drop the views.
                        records.back().message = records.back().sql = records.back().error = {};
                        records.back().values = {};
                    },
                .level = level,
                .slow_after = slow,
                .show_values = show_values};
    }
    std::size_t count(sluice::log_event e) {
        std::lock_guard<std::mutex> lock(mutex);
        std::size_t n = 0;
        for (const auto& r : records) n += r.event == e;
        return n;
    }
    bool any_message_holds(const std::string& text) {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& m : messages)
            if (m.find(text) != std::string::npos) return true;
        return false;
    }
};

void kill_connection(sluice::session& control, std::uint64_t id) {
    control.execute("KILL CONNECTION " + std::to_string(id));
    for (int i = 0; i < 400; ++i) {
        if (control.rows("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", id).empty()) return;
        std::this_thread::sleep_for(5ms);
    }
    FAIL("connection " << id << " was not dropped");
}

}  // namespace

TEST_CASE("pool: on_connect configures each new session once, before its first lease, with the pool's log installed") {
    support::fresh<User>();
    captured_log log;
    std::atomic<int> hooks{0};
    sluice::pool pool{support::backend().url,
                      {.size = 4,
                       .on_connect =
                           [&](sluice::session& s) {
                               ++hooks;
                               s.set_retry_policy({.attempts = 2, .initial_backoff = 1ms});
                               (void)s.scalar("SELECT 42");
                           },
                       .log = log.log(sluice::log_level::trace)}};
    {
        std::vector<sluice::pool::lease> leases;
        for (int i = 0; i < 4; ++i) leases.push_back(pool.acquire());
        for (auto& l : leases) CHECK(l->get_retry_policy().attempts == 2);
    }
    CHECK(hooks == 4);
    for (int i = 0; i < 10; ++i) {
        User u = someone("p" + std::to_string(i));
        pool.acquire()->insert(u);
    }
    CHECK(hooks == 4);  // reused sessions are not configured again
    CHECK(log.count(sluice::log_event::statement) >= 4 + 10);
    CHECK(log.any_message_holds("SELECT 42"));

    // A hook that throws: the connection is closed and acquire() says why.
    sluice::pool failing{support::backend().url,
                         {.size = 2, .on_connect = [](sluice::session&) { throw std::runtime_error("hook refused"); }}};
    CHECK_THROWS_WITH(failing.acquire(), doctest::Contains("hook refused"));
    CHECK(failing.open_connections() == 0);
}

TEST_CASE("pool: every idle connection killed server-side, then 8 acquired at once: all work on fresh connections") {
    auto db = support::fresh<User>();
    captured_log log;
    std::atomic<int> hooks{0};
    sluice::pool pool{support::backend().url, {.size = 8, .on_connect = [&](sluice::session&) { ++hooks; },
                                               .check_idle_after = 20ms, .log = log.log(sluice::log_level::info)}};
    std::set<std::uint64_t> before;
    {
        std::vector<sluice::pool::lease> leases;
        for (int i = 0; i < 8; ++i) leases.push_back(pool.acquire());
        for (auto& l : leases) before.insert(l->connection_id());
    }
    CHECK(hooks == 8);
    if (!support::is_sqlite()) {
        CHECK(before.size() == 8);
        for (std::uint64_t id : before) kill_connection(db, id);
    }
    std::this_thread::sleep_for(40ms);  // past check_idle_after
    std::vector<std::thread> threads;
    std::atomic<int> worked{0};
    std::mutex ids_mutex;
    std::set<std::uint64_t> after;
    std::vector<sluice::pool::lease> held;
    for (int i = 0; i < 8; ++i) held.push_back(pool.acquire());  // all 8 at once: every idle one is checked
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            sluice::session& s = *held[static_cast<std::size_t>(i)];
            // A write first: sluice never repeats a write, so a dead connection would fail it.
            User u = someone("after kill " + std::to_string(i));
            s.insert(u);
            if (s.get<User>(u.id)) ++worked;
            std::lock_guard<std::mutex> lock(ids_mutex);
            after.insert(s.connection_id());
        });
    }
    for (auto& t : threads) t.join();
    held.clear();
    CHECK(worked == 8);
    CHECK(db.query<User>().count() == 8);
    CHECK(pool.open_connections() == 8);
    if (support::is_sqlite()) {
        CHECK(hooks == 8);  // nothing to kill: the same sessions, reused
    } else {
        CHECK(after.size() == 8);
        for (std::uint64_t id : after) CHECK(before.count(id) == 0);
        CHECK(hooks == 16);  // each replacement was configured by the hook
        CHECK(log.count(sluice::log_event::reconnect) == 8);
        CHECK(log.any_message_holds("did not answer a ping"));
    }
}

TEST_CASE("pool: without the idle check a killed connection reaches the caller, whose session then reconnects") {
    if (support::is_sqlite()) return;  // no server to kill connections on
    auto db = support::fresh<User>();
    sluice::pool pool{support::backend().url, {.size = 1, .check_idle_after = std::chrono::hours(1)}};
    std::uint64_t id = 0;
    {
        auto lease = pool.acquire();
        id = lease->connection_id();
        User first = someone("before the kill");  // also caches the column limits a first write reads
        lease->insert(first);
    }
    kill_connection(db, id);
    auto lease = pool.acquire();
    User u = someone("write on a dead connection");
    CHECK_THROWS_AS(lease->insert(u), sluice::connection_error);
    CHECK(db.query<User>().count() == 1);
    lease->insert(u);  // the next statement reconnects
    CHECK(lease->connection_id() != id);
    CHECK(db.query<User>().count() == 2);
}

TEST_CASE("pool: connections past max_lifetime are closed when returned and replaced on demand") {
    support::fresh<User>();
    std::atomic<int> hooks{0};
    sluice::pool pool{support::backend().url, {.size = 2, .on_connect = [&](sluice::session&) { ++hooks; }, .max_lifetime = 60ms}};
    std::uint64_t first = 0;
    {
        auto lease = pool.acquire();
        first = lease->connection_id();
        User u = someone("young");
        lease->insert(u);
        CHECK(pool.open_connections() == 1);
    }
    CHECK(pool.open_connections() == 1);  // young enough: kept
    {
        auto lease = pool.acquire();
        CHECK(hooks == 1);
        std::this_thread::sleep_for(80ms);
    }
    CHECK(pool.open_connections() == 0);  // returned past its lifetime: closed
    {
        auto lease = pool.acquire();
        CHECK(hooks == 2);
        if (!support::is_sqlite()) CHECK(lease->connection_id() != first);
        CHECK(lease->query<User>().count() == 1);
    }
    // Idle past its lifetime: replaced at the next acquire rather than handed out.
    std::this_thread::sleep_for(80ms);
    auto lease = pool.acquire();
    CHECK(hooks == 3);
    CHECK(pool.open_connections() == 1);
}

TEST_CASE("pool: sqlite:// in memory is refused, a file is shared; bad options are refused") {
    CHECK_THROWS_WITH_AS(sluice::pool("sqlite://", 4), doctest::Contains("its own, empty database"), sluice::error);
    CHECK_THROWS_WITH_AS(sluice::pool(support::backend().url, {.size = 0}), doctest::Contains("size of at least 1"), sluice::error);
    CHECK_THROWS_WITH_AS(sluice::pool(support::backend().url, {.size = 1, .check_idle_after = -1ms}), doctest::Contains("negative"),
                         sluice::error);
    support::fresh<User>();
    sluice::pool pool{support::backend().url, {.size = 2}};
    auto a = pool.acquire();
    auto b = pool.acquire();
    User u = someone("seen by both");
    a->insert(u);
    CHECK(b->query<User>().count() == 1);
}

TEST_CASE("statement log: levels, redacted values, slow statements, failures") {
    auto db = support::fresh<User>();
    captured_log trace;
    db.set_log(trace.log(sluice::log_level::trace));
    User u = someone("secret name 7f3a");
    db.insert(u);
    CHECK(db.get<User>(u.id));
    CHECK(trace.count(sluice::log_event::statement) >= 2);
    CHECK(!trace.any_message_holds("secret name 7f3a"));  // values are redacted by default
    CHECK(trace.any_message_holds("values not shown]"));
    {
        std::lock_guard<std::mutex> lock(trace.mutex);
        const auto& r = trace.records.front();
        CHECK(r.level == sluice::log_level::trace);
        CHECK(r.value_count > 0);
        CHECK(r.elapsed.count() > 0);
        if (!support::is_sqlite()) CHECK(r.connection_id == db.connection_id());
    }

    captured_log shown;
    db.set_log(shown.log(sluice::log_level::trace, true));
    CHECK(db.query<User>().where(sluice::col(&User::name) == std::string("secret name 7f3a")).count() == 1);
    CHECK(shown.any_message_holds("'secret name 7f3a'"));

    // warning: only slow statements come through, as slow_statement.
    captured_log slow;
    db.set_log(slow.log(sluice::log_level::warning, false, 20ms));
    (void)db.query<User>().count();
    const char* sleepy = support::is_sqlite()
                             ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) FROM n"
                             : "SELECT SLEEP(0.05)";
    (void)db.scalar(sleepy);
    CHECK(slow.count(sluice::log_event::statement) == 0);
    CHECK(slow.count(sluice::log_event::slow_statement) == 1);
    CHECK(slow.any_message_holds("slow statement"));

    // error: a failed statement, with the server's reason; the log sees it before the caller does.
    captured_log errors;
    db.set_log(errors.log(sluice::log_level::error, false));
    CHECK_THROWS_AS(db.execute("SELECT no_such_column FROM users WHERE id = ?", 1), sluice::statement_error);
    CHECK(errors.count(sluice::log_event::failed_statement) == 1);
    CHECK(errors.any_message_holds("no_such_column"));
    CHECK(errors.any_message_holds("[1 value not shown]"));
    (void)db.query<User>().count();
    CHECK(errors.records.size() == 1);  // successes are below the level

    // A sink that throws never changes what the statement did; statement_log{} removes the log.
    db.set_log({.sink = [](const sluice::log_record&) { throw std::runtime_error("logger down"); }, .level = sluice::log_level::trace});
    CHECK(db.query<User>().count() == 1);
    db.set_log({});
    db.set_log({.sink = [](const sluice::log_record&) { FAIL("a log at level off was called"); }, .level = sluice::log_level::off});
    CHECK(db.query<User>().count() == 1);
}

TEST_CASE("statement log: a lost connection mid-scan is logged as a failure, a retry and a reconnect") {
    auto db = support::fresh<User>();
    std::vector<User> rows;
    for (int i = 0; i < 100; ++i) rows.push_back(someone("r" + std::to_string(i)));
    db.insert_many(rows);
    db.set_retry_policy({.attempts = 3, .initial_backoff = 1ms});
    captured_log log;
    db.set_log(log.log(sluice::log_level::info));
    auto& impl = sluice::detail::session_access::impl(db);
    const std::uint64_t at = impl.statements + 3;
    const std::uint64_t before = db.connection_id();
    impl.before_statement = [&](std::uint64_t n, std::string_view) {
        if (n != at) return;
        if (support::is_sqlite()) throw sluice::connection_error("sluice: simulated lost connection (test hook)");
        static sluice::session control = support::connect();
        kill_connection(control, before);
    };
    std::size_t seen = 0;
    // Without prefetch, so that the KILL lands on a page read (a prefetched page that fails is
    // read again silently, and only the reconnect is logged).
    for (const User& u : db.query<User>().prefetch(false).yield_per(10)) seen += !u.name.empty();
    impl.before_statement = nullptr;
    CHECK(seen == 100);
    CHECK(log.count(sluice::log_event::retry) == 1);
    CHECK(log.count(sluice::log_event::reconnect) == 1);
    CHECK(log.count(sluice::log_event::statement) == 0);  // trace is below info
    CHECK(log.any_message_holds("attempt 2 of 3"));
    if (!support::is_sqlite()) CHECK(log.count(sluice::log_event::failed_statement) == 1);
}

TEST_CASE("session::on_connect runs again after a reconnect, so session variables hold on the new connection") {
    auto db = support::fresh<User>();
    int runs = 0;
    db.on_connect([&](sluice::session& s) {
        ++runs;
        if (!support::is_sqlite()) s.execute("SET @sluice_hooked = 42");
    });
    CHECK(runs == 1);
    auto& impl = sluice::detail::session_access::impl(db);
    if (support::is_sqlite()) {
        impl.before_statement = [](std::uint64_t, std::string_view) { throw sluice::connection_error("sluice: simulated lost connection"); };
        CHECK_THROWS_AS(db.query<User>().count(), sluice::connection_error);
        impl.before_statement = nullptr;
    } else {
        sluice::session control = support::connect();
        kill_connection(control, db.connection_id());
        CHECK_THROWS_AS(db.execute("DO 1"), sluice::connection_error);
    }
    CHECK(db.query<User>().count() == 0);  // reconnects, and the hook runs on the new connection
    CHECK(runs == 2);
    if (!support::is_sqlite()) CHECK(db.scalar("SELECT @sluice_hooked") == "42");
    // The hook follows a moved session.
    sluice::session moved = std::move(db);
    if (support::is_sqlite()) {
        auto& moved_impl = sluice::detail::session_access::impl(moved);
        moved_impl.before_statement = [](std::uint64_t, std::string_view) { throw sluice::connection_error("sluice: simulated"); };
        CHECK_THROWS_AS(moved.query<User>().count(), sluice::connection_error);
        moved_impl.before_statement = nullptr;
    } else {
        sluice::session control = support::connect();
        kill_connection(control, moved.connection_id());
        CHECK_THROWS_AS(moved.execute("DO 1"), sluice::connection_error);
    }
    CHECK(moved.query<User>().count() == 0);
    CHECK(runs == 3);
}

TEST_CASE("statement log: without show_values, quoted values in an error's text are hidden too") {
    auto db = support::connect();
    db.drop_table<Account>();
    db.create_table<Account>();
    Account a{0, "alice.secret@example.com"};
    db.insert(a);
    captured_log log;
    db.set_log(log.log(sluice::log_level::error));
    Account b{0, "alice.secret@example.com"};
    CHECK_THROWS_AS(db.insert(b), sluice::statement_error);
    REQUIRE(log.count(sluice::log_event::failed_statement) == 1);
    CHECK(!log.any_message_holds("alice.secret"));
    CHECK(!log.errors.front().empty());
    captured_log shown;
    db.set_log(shown.log(sluice::log_level::error, true));
    CHECK_THROWS_AS(db.insert(b), sluice::statement_error);
    CHECK(shown.any_message_holds("alice.secret@example.com"));
    db.drop_table<Account>();
}

TEST_CASE("SLUICE_ECHO=1 still prints every statement to stderr, values included") {
    support::fresh<User>();
    std::fflush(stderr);
    char path[] = "/tmp/sluice-echo-XXXXXX";
    const int file = mkstemp(path);
    REQUIRE(file >= 0);
    const int saved = dup(2);
    dup2(file, 2);
    setenv("SLUICE_ECHO", "1", 1);
    {
        sluice::session db = support::connect();
        (void)db.query<User>().where(sluice::col(&User::age) == 4242).count();
    }
    unsetenv("SLUICE_ECHO");
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(file);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::remove(path);
    CHECK(text.str().find("[sluice] SELECT") != std::string::npos);
    CHECK(text.str().find("4242") != std::string::npos);
}
