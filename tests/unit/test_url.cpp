// Database URL parsing: forms, options, errors, and the password never in a message.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include <sluice/sluice.hpp>

#include "../../lib/backend/url.hpp"
#include "../../lib/types/ascii.hpp"

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

TEST_CASE("URLs: IPv6 hosts, timeouts, charset, unencoded specials in a password") {
    const auto v6 = parse_url("mariadb://u:p%40ss@[::1]:33306/db?read_timeout=30&write_timeout=20&charset=utf8mb4");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 33306);
    CHECK(v6.password == "p@ss");
    CHECK(v6.read_timeout_s == 30);
    CHECK(v6.write_timeout_s == 20);
    CHECK(parse_url("mariadb://u@[fe80::1]/db").host == "fe80::1");
    CHECK(parse_url("mariadb://u@[fe80::1]/db").port == 3306);
    CHECK_THROWS_WITH_AS(parse_url("mariadb://u@[::1/db"), doctest::Contains("closing ']'"), sluice::connection_error);
    CHECK_THROWS_WITH_AS(parse_url("mariadb://u@[::g]/db"), doctest::Contains("IPv6"), sluice::connection_error);
    CHECK_THROWS_WITH_AS(parse_url("mariadb://u@h/db?charset=latin1"), doctest::Contains("charset must be utf8mb4"), sluice::connection_error);
    CHECK_THROWS_WITH_AS(parse_url("mariadb://u@h/db?read_timeout=0"), doctest::Contains("read_timeout must be"), sluice::connection_error);
    CHECK_THROWS_WITH_AS(parse_url("mariadb://u@h/db?ssl=1"),
                         doctest::Contains("known: ssl_mode, ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, tls_version, "
                                           "connect_timeout, read_timeout, write_timeout, unix_socket, charset"),
                         sluice::connection_error);
    // A password with unencoded '/', '?', '@' and ':' runs to the last '@'.
    const auto odd = parse_url("mariadb://app:a/b?c@d:e@db.internal:3307/shop");
    CHECK(odd.user == "app");
    CHECK(odd.password == "a/b?c@d:e");
    CHECK(odd.host == "db.internal");
    CHECK(odd.port == 3307);
    CHECK(odd.database == "shop");
    CHECK(odd.redacted == "mariadb://app:***@db.internal:3307/shop");
    // A key=value connection string is not a URL: refused, and not echoed.
    try {
        parse_url("db=shop user=app password=s3cret host=10.0.0.5");
        FAIL("a key=value string parsed");
    } catch (const sluice::connection_error& e) {
        CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
        CHECK(std::string(e.what()).find("expected scheme://") != std::string::npos);
    }
    // A password given as an option is redacted too.
    try {
        parse_url("mariadb://app@h/db?password=s3cret&x=1");
        FAIL("an unknown option parsed");
    } catch (const sluice::connection_error& e) {
        CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
}

TEST_CASE("URLs: TLS options, the mode they imply, and contradictions refused") {
    using sluice::detail::tls_mode;
    CHECK(parse_url("mariadb://u@h/db").tls == tls_mode::disabled);
    for (const char* m : {"disabled", "preferred", "required", "VERIFY_IDENTITY"})
        CHECK(tls_mode_name(parse_url(std::string("mariadb://u@h/db?ssl_mode=") + m).tls) == sluice::detail::ascii_lowercase(m));
    const auto full = parse_url("mariadb://u:pw@h/db?ssl_mode=verify_ca&ssl_ca=/etc/ca%20dir/ca.pem&ssl_cert=/c.pem&ssl_key=/k.pem"
                                "&ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256&tls_version=TLSv1.2");
    CHECK(full.tls == tls_mode::verify_ca);
    CHECK(full.ssl_ca == "/etc/ca dir/ca.pem");
    CHECK(full.ssl_cert == "/c.pem");
    CHECK(full.ssl_key == "/k.pem");
    CHECK(full.ssl_cipher == "ECDHE-RSA-AES128-GCM-SHA256");
    CHECK(full.tls_version == "TLSv1.2");
    CHECK(parse_url("mariadb://u@h/db?tls_version=TLSv1.2,TLSv1.3").tls_version == "TLSv1.2,TLSv1.3");
    CHECK(full.redacted.find("ssl_mode=verify_ca") != std::string::npos);
    CHECK(full.redacted.find("pw") == std::string::npos);
    // Without ssl_mode: a CA means verify it, another TLS option means insist on TLS.
    CHECK(parse_url("mariadb://u@h/db?ssl_ca=/ca.pem").tls == tls_mode::verify_ca);
    CHECK(parse_url("mariadb://u@h/db?ssl_capath=/certs").tls == tls_mode::verify_ca);
    CHECK(parse_url("mariadb://u@h/db?tls_version=TLSv1.3").tls == tls_mode::required);
    CHECK(parse_url("mariadb://u@h/db?ssl_cert=/c&ssl_key=/k").tls == tls_mode::required);
    const auto refused = [](const char* url, const char* why) {
        CAPTURE(url);
        CHECK_THROWS_WITH_AS(parse_url(url), doctest::Contains(why), sluice::connection_error);
    };
    refused("mariadb://u@h/db?ssl_mode=on", "ssl_mode must be one of disabled, preferred, required, verify_ca, verify_identity");
    refused("mariadb://u@h/db?ssl_mode=disabled&ssl_ca=/ca.pem", "ssl_mode=disabled contradicts");
    refused("mariadb://u@h/db?ssl_mode=verify_ca", "verify_ca needs ssl_ca");
    refused("mariadb://u@h/db?ssl_cert=/c.pem", "ssl_cert and ssl_key go together");
    refused("mariadb://u@h/db?ssl_key=/k.pem&ssl_mode=required", "ssl_cert and ssl_key go together");
    refused("mariadb://u@h/db?ssl_ca=", "ssl_ca must be a file path");
    refused("mariadb://u@h/db?ssl_ca=/a%00b", "ssl_ca must be a file path");
    refused("mariadb://u@h/db?tls_version=TLSv1.1", "tls_version must list TLSv1.2 and/or TLSv1.3");
    refused("mariadb://u@h/db?tls_version=TLSv1.2,", "tls_version must list");
    refused("mariadb://u@h/db?ssl_cipher=AES%27;x", "ssl_cipher must be an OpenSSL cipher list");
    refused("mariadb://u@h/db?ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256", "add tls_version=TLSv1.2");
    refused("mariadb://u@h/db?ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256&tls_version=TLSv1.2,TLSv1.3", "add tls_version=TLSv1.2");
    refused("mariadb://u@h/db?unix_socket=/s.sock&ssl_mode=required", "cannot be honoured over unix_socket");
    refused("mariadb://u@h/db?ssl_mode=required&ssl_mode=disabled", "option 'ssl_mode' is given twice");
    refused("sqlite:///x.db?ssl_mode=required", "known for sqlite: journal_mode, synchronous");
    // preferred over a unix socket is fine: the socket simply stays plain.
    CHECK(parse_url("mariadb://u@h/db?unix_socket=/s.sock&ssl_mode=preferred").tls == tls_mode::preferred);
}

TEST_CASE("URL fuzz: random and mutated URLs never crash and no message holds the password") {
    std::mt19937_64 rng(20261201);
    const std::string specials = "@:/?#[]%=& .\\'\"";
    auto random_text = [&](std::size_t n, bool with_specials) {
        static const std::string alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        std::string s;
        for (std::size_t i = 0; i < n; ++i)
            s += with_specials && rng() % 4 == 0 ? specials[rng() % specials.size()] : alnum[rng() % alnum.size()];
        return s;
    };
    int parsed = 0, refused = 0;
    for (int i = 0; i < 6000; ++i) {
        // The password: a marker no other part holds, optionally with specials, raw or percent-encoded.
        const std::string password = "Zq" + random_text(6, false) + (rng() % 2 ? random_text(4, true) : "");
        std::string written;
        for (char c : password) {
            if (rng() % 3 == 0) {
                static const char hex[] = "0123456789ABCDEF";
                written += '%';
                written += hex[static_cast<unsigned char>(c) >> 4];
                written += hex[static_cast<unsigned char>(c) & 15];
            } else {
                written += c;
            }
        }
        const char* schemes[] = {"mariadb://", "mysql://", "sqlite://", "postgres://", "mariadb:/", ""};
        std::string url = std::string(schemes[rng() % 6]) + "user" + random_text(rng() % 3, false) + ":" + written + "@";
        url += rng() % 3 == 0 ? "[::" + random_text(rng() % 3, rng() % 2 == 0) + "]" : "host" + random_text(rng() % 4, rng() % 3 == 0);
        if (rng() % 2) url += ":" + std::to_string(rng() % 70000) + random_text(rng() % 2, true);
        if (rng() % 2) url += "/db" + random_text(rng() % 3, rng() % 3 == 0);
        if (rng() % 2) url += "?connect_timeout=" + std::to_string(rng() % 5) + (rng() % 2 ? "&" + random_text(rng() % 8, true) : "");
        // Mutations outside the user information: the password stays a password.
        const std::size_t protected_end = url.rfind('@') + 1;
        for (int m = static_cast<int>(rng() % 4); m > 0 && url.size() > protected_end; --m) {
            const std::size_t at = protected_end + rng() % (url.size() - protected_end);
            switch (rng() % 3) {
            case 0: url.insert(at, 1, specials[rng() % specials.size()]); break;
            case 1: url.erase(at, 1); break;
            default: url[at] = specials[rng() % specials.size()]; break;
            }
        }
        CAPTURE(url);
        try {
            const auto t = parse_url(url);
            ++parsed;
            CHECK(t.redacted.find(password) == std::string::npos);
            CHECK(t.redacted.find(written) == std::string::npos);
        } catch (const sluice::connection_error& e) {
            ++refused;
            const std::string what = e.what();
            CHECK(what.find(password) == std::string::npos);
            CHECK(what.find(written) == std::string::npos);
        }
    }
    MESSAGE("URL fuzz: " << parsed << " parsed, " << refused << " refused");
    CHECK(parsed > 300);
    CHECK(refused > 300);
}
