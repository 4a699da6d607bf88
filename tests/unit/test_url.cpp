// Database URL parsing: forms, options, errors, and the password never in a message.
#include <doctest/doctest.h>

#include <string>

#include <sluice/sluice.hpp>

#include "../../lib/backend/url.hpp"

using sluice::detail::backend_kind;
using sluice::detail::parse_url;

TEST_CASE("sqlite URLs: relative, absolute, in memory, percent-decoded") {
    CHECK(parse_url("sqlite:///app.db").path == "app.db");
    CHECK(parse_url("sqlite:////var/lib/app.db").path == "/var/lib/app.db");
    CHECK(parse_url("sqlite://").path == ":memory:");
    CHECK(parse_url("sqlite:///my%20data.db").path == "my data.db");
    CHECK(parse_url("sqlite://").backend == backend_kind::sqlite);
}

TEST_CASE("sqlite URLs: WAL and synchronous=NORMAL by default, journal_mode and synchronous options validated") {
    const auto t = parse_url("sqlite:///app.db");
    CHECK(t.journal_mode == "WAL");
    CHECK(t.synchronous == "NORMAL");
    const auto u = parse_url("sqlite:///app.db?journal_mode=delete&synchronous=full");
    CHECK(u.path == "app.db");
    CHECK(u.journal_mode == "DELETE");
    CHECK(u.synchronous == "FULL");
    // Spliced into PRAGMA text: anything but the known words is refused.
    CHECK_THROWS_AS(parse_url("sqlite:///app.db?journal_mode=wal;DROP TABLE x"), sluice::connection_error);
    CHECK_THROWS_AS(parse_url("sqlite:///app.db?synchronous=2"), sluice::connection_error);
    CHECK_THROWS_WITH_AS(parse_url("sqlite:///app.db?cache=shared"), doctest::Contains("known for sqlite: journal_mode, synchronous"),
                         sluice::connection_error);
}

TEST_CASE("mysql and mariadb URLs: user, password, host, port, database, options") {
    const auto t = parse_url("mysql://shop_user:s%40cr%3At@db.internal:3307/shop?connect_timeout=3");
    CHECK(t.backend == backend_kind::mysql);
    CHECK(t.user == "shop_user");
    CHECK(t.password == "s@cr:t");
    CHECK(t.host == "db.internal");
    CHECK(t.port == 3307);
    CHECK(t.database == "shop");
    CHECK(t.connect_timeout_s == 3);
    CHECK(t.redacted == "mysql://shop_user:***@db.internal:3307/shop?connect_timeout=3");

    const auto m = parse_url("mariadb://root@127.0.0.1/test");
    CHECK(m.backend == backend_kind::mysql);
    CHECK(m.port == 3306);
    CHECK(m.password.empty());
    CHECK(m.redacted == "mariadb://root@127.0.0.1/test");
}

TEST_CASE("bad URLs throw connection_error without the password") {
    const char* bad[] = {
        "postgres://u:hunter2@h/db",          // unknown scheme
        "nonsense",                            // no scheme
        "mysql://u:hunter2@h:99999/db",        // port out of range
        "mysql://u:hunter2@h:12x/db",          // port not a number
        "mysql://u:hunter2@/db",               // no host
        "mysql://u:hunter2@h/db?colour=blue",  // unknown option
        "mysql://u:hunter2@h/d%zzb",           // bad escape
        "sqlite://host/app.db",                // sqlite has no host
    };
    for (const char* url : bad) {
        CAPTURE(url);
        try {
            (void)parse_url(url);
            FAIL("accepted a bad URL");
        } catch (const sluice::connection_error& e) {
            const std::string message = e.what();
            CHECK(message.find("hunter2") == std::string::npos);
            CHECK(message.find("sluice: bad database URL") == 0);
        }
    }
}

TEST_CASE("is_retryable: deadlocks, lock wait timeouts and SQLite busy errors, and nothing that merely shares a number") {
    using sluice::statement_error;
    CHECK(sluice::session::is_retryable(statement_error("deadlock", 1213, "40001")));
    CHECK(sluice::session::is_retryable(statement_error("lock wait timeout", 1205, "HY000")));
    CHECK(sluice::session::is_retryable(statement_error("busy", 5, "SQLITE5")));
    CHECK(sluice::session::is_retryable(statement_error("busy snapshot", 517, "SQLITE517")));
    CHECK_FALSE(sluice::session::is_retryable(statement_error("form not found", 1029, "HY000")));  // 1029 & 0xff == 5
    CHECK_FALSE(sluice::session::is_retryable(statement_error("duplicate", 1062, "23000")));
    CHECK_FALSE(sluice::session::is_retryable(statement_error("constraint", 19, "SQLITE19")));
    CHECK_FALSE(sluice::session::is_retryable(statement_error("1205 as a SQLite code", 1205, "SQLITE1205")));
}
