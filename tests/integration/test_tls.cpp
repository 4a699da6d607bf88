// TLS to MariaDB by URL options, against the private server's throwaway CA (scripts/mariadb):
// each ssl_mode connects or refuses as documented, and no refusal shows the password.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "../models.hpp"
#include "../support.hpp"

using models::User;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    // scripts/test exports both; a TLS case that cannot run is a failure, never a skip.
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run scripts/test (it starts both test servers)");
    return v;
}

// The test URL with options appended, and optionally another host (same port).
std::string tls_url(const std::string& options, const std::string& host = "127.0.0.1", std::string base = support::backend().url) {
    const std::size_t at = base.rfind('@') + 1;
    const std::size_t colon = base.find(':', at);
    base = base.substr(0, at) + host + base.substr(colon);
    return base + (base.find('?') == std::string::npos ? "?" : "&") + options;
}

std::string cipher(sluice::session& db) {
    const auto rows = db.rows("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    REQUIRE(rows.size() == 1);
    return rows[0][1].value_or("");
}

std::string tls_version(sluice::session& db) {
    return db.rows("SHOW SESSION STATUS LIKE 'Ssl_version'").at(0)[1].value_or("");
}

// The refusal's message, checked to name the reason and never a password.
std::string refusal(const std::string& url) {
    try {
        sluice::session db{url};
        FAIL("connected: " << url);
    } catch (const sluice::connection_error& e) {
        const std::string what = e.what();
        CHECK(what.find("sluice_pw") == std::string::npos);
        CHECK(what.find("sluice_x509_pw") == std::string::npos);
        return what;
    }
    return {};
}

}  // namespace

TEST_CASE("TLS: each ssl_mode against a TLS server and a plain one; wrong CA, wrong host, no TLS refused with the reason") {
    if (support::is_sqlite()) {
        // SQLite has no transport: TLS options are unknown there, and say what is known.
        CHECK_THROWS_WITH_AS(sluice::session{support::backend().url + "?ssl_mode=required"},
                             doctest::Contains("known for sqlite: journal_mode, synchronous"), sluice::connection_error);
        return;
    }
    if (support::tables_sharded()) return;  // the cluster tiers' front ends have no certificates
    const std::string dir = env("SLUICE_TEST_TLS_DIR");
    const std::string plain = env("SLUICE_TEST_MYSQL_PLAIN_URL");
    const std::string ca = "ssl_ca=" + dir + "/ca.pem";

    SUBCASE("verify_identity: encrypted, the certificate checked against the CA and the host name") {
        sluice::session db{tls_url("ssl_mode=verify_identity&" + ca)};
        CHECK(!cipher(db).empty());
        support::recreate<User>(db);
        User u{0, "over tls", 40, 1.5, support::at(2024, 5, 6), std::nullopt};
        db.insert(u);
        CHECK(db.get<User>(u.id)->name == "over tls");
        std::size_t n = 0;
        for (const auto& batch : db.query<User>().batches(10)) n += batch.size();
        CHECK(n == 1);
    }
    SUBCASE("required and preferred encrypt without a CA; disabled does not") {
        sluice::session required{tls_url("ssl_mode=required")};
        CHECK(!cipher(required).empty());
        sluice::session preferred{tls_url("ssl_mode=preferred")};
        CHECK(!cipher(preferred).empty());
        sluice::session disabled{tls_url("ssl_mode=disabled")};
        CHECK(cipher(disabled).empty());
        sluice::session by_default{support::backend().url};
        CHECK(cipher(by_default).empty());
        sluice::session implied{tls_url(ca)};  // ssl_ca alone means verify_ca
        CHECK(!cipher(implied).empty());
    }
    SUBCASE("a pinned TLS version and cipher") {
        sluice::session v12{tls_url("ssl_mode=verify_identity&tls_version=TLSv1.2&" + ca)};
        CHECK(tls_version(v12) == "TLSv1.2");
        sluice::session pinned{tls_url("ssl_mode=verify_identity&tls_version=TLSv1.2&ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256&" + ca)};
        CHECK(cipher(pinned) == "ECDHE-RSA-AES128-GCM-SHA256");
        sluice::session v13{tls_url("ssl_mode=required&tls_version=TLSv1.3")};
        CHECK(tls_version(v13) == "TLSv1.3");
    }
    SUBCASE("a wrong CA is refused under verify_ca and verify_identity") {
        for (const char* mode : {"verify_ca", "verify_identity"}) {
            const std::string what = refusal(tls_url(std::string("ssl_mode=") + mode + "&ssl_ca=" + dir + "/other-ca.pem"));
            CAPTURE(what);
            CHECK(what.find("TLS/SSL error") != std::string::npos);
            CHECK(what.find("must chain to") != std::string::npos);
        }
    }
    SUBCASE("a host name the certificate does not hold: refused by verify_identity only") {
        // 127.0.0.2 reaches the same server; its certificate names 127.0.0.1 alone.
        const std::string what = refusal(tls_url("ssl_mode=verify_identity&" + ca, "127.0.0.2"));
        CAPTURE(what);
        CHECK(what.find("name the host '127.0.0.2'") != std::string::npos);
        sluice::session db{tls_url("ssl_mode=verify_ca&" + ca, "127.0.0.2")};  // the chain alone is fine
        CHECK(!cipher(db).empty());
    }
    SUBCASE("a server without TLS: required, verify_ca and verify_identity refuse; preferred stays plain") {
        const std::string required = refusal(tls_url("ssl_mode=required", "127.0.0.1", plain));
        CAPTURE(required);
        CHECK(required.find("ssl_mode=required but the server offers no TLS") != std::string::npos);
        CHECK(refusal(tls_url("ssl_mode=verify_ca&" + ca, "127.0.0.1", plain)).find("offers no TLS") != std::string::npos);
        const std::string identity = refusal(tls_url("ssl_mode=verify_identity&" + ca, "127.0.0.1", plain));
        CAPTURE(identity);
        CHECK(identity.find("SSL is required, but the server does not support it") != std::string::npos);
        sluice::session preferred{tls_url("ssl_mode=preferred", "127.0.0.1", plain)};
        CHECK(cipher(preferred).empty());
        CHECK(preferred.rows("SELECT 1").at(0)[0] == "1");
    }
    SUBCASE("a client certificate: a REQUIRE X509 user connects with it and is refused without") {
        std::string url = tls_url("ssl_mode=verify_identity&" + ca);
        const std::size_t scheme = url.find("://") + 3;
        url = url.substr(0, scheme) + "sluice_x509:sluice_x509_pw" + url.substr(url.rfind('@'));
        sluice::session db{url + "&ssl_cert=" + dir + "/client.pem&ssl_key=" + dir + "/client.key"};
        CHECK(!cipher(db).empty());
        CHECK(db.rows("SELECT CURRENT_USER()").at(0)[0].value_or("").starts_with("sluice_x509@"));
        CHECK(refusal(url).find("Access denied") != std::string::npos);
    }
    SUBCASE("a pool over TLS hands out encrypted sessions") {
        sluice::pool pool{tls_url("ssl_mode=verify_identity&" + ca), {.size = 3}};
        for (int i = 0; i < 3; ++i) {
            auto lease = pool.acquire();
            CHECK(!cipher(*lease).empty());
        }
    }
}
