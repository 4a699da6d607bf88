// Opening a MariaDB/MySQL connection: plain text through SOCI's connect string, TLS through
// Connector/C (SOCI 4.0.3 cannot ask it to enforce TLS or check the server's name).
#include "backend/mariadb/link.hpp"

#include <errmsg.h>

#include <string>

#include <soci/mysql/soci-mysql.h>

#include <sluice/error.hpp>

namespace sluice::detail::mariadb {
namespace {

// SOCI exports no typeinfo for its backend classes, which UBSan's vptr check would need for
// this (correct) downcast.
__attribute__((no_sanitize("vptr"))) MYSQL* native_connection(soci::session& s) {
    return static_cast<soci::mysql_session_backend*>(s.get_backend())->conn_;
}

std::string soci_quote(std::string_view v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// Why Connector/C refused a TLS connection, in the terms of the URL's options.
std::string tls_hint(const connection_target& t) {
    const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    switch (t.tls) {
        case tls_mode::verify_identity:
            return " (ssl_mode=verify_identity: the server must offer TLS, and its certificate must chain to " +
                   std::string(t.ssl_ca.empty() && t.ssl_capath.empty() ? "the system's CAs" : "ssl_ca") + " and name the host '" +
                   host + "')";
        case tls_mode::verify_ca: return " (ssl_mode=verify_ca: the server's certificate must chain to ssl_ca)";
        default:
            return t.ssl_ca.empty() && t.ssl_capath.empty() ? "" : " (the server's certificate must chain to ssl_ca)";
    }
}

// A TLS connection, opened natively: SOCI 4.0.3 can name certificate files but sets neither
// MYSQL_OPT_SSL_ENFORCE nor MYSQL_OPT_SSL_VERIFY_SERVER_CERT, so it could not ask for TLS without
// a CA, and never checks the server's name.
MYSQL* open_tls(const connection_target& t) {
    MYSQL* m = mysql_init(nullptr);
    if (!m) throw connection_error("sluice: cannot connect to " + t.redacted + ": out of memory");
    const auto set = [&](mysql_option option, const void* arg) {
        if (mysql_optionsv(m, option, arg) != 0) {
            mysql_close(m);
            throw connection_error("sluice: cannot connect to " + t.redacted + ": the client library refused a TLS option");
        }
    };
    const auto set_text = [&](mysql_option option, const std::string& text) {
        if (!text.empty()) set(option, text.c_str());
    };
    set(MYSQL_OPT_CONNECT_TIMEOUT, &t.connect_timeout_s);
    if (t.read_timeout_s) set(MYSQL_OPT_READ_TIMEOUT, &t.read_timeout_s);
    if (t.write_timeout_s) set(MYSQL_OPT_WRITE_TIMEOUT, &t.write_timeout_s);
    set(MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // Enforce asks for TLS whenever the server offers it; with a CA given, Connector/C also checks
    // the certificate chain. Only VERIFY_SERVER_CERT refuses a server without TLS before
    // authenticating, and it checks the host name too: so it is verify_identity's alone.
    const my_bool on = 1;
    set(MYSQL_OPT_SSL_ENFORCE, &on);
    set_text(MYSQL_OPT_SSL_CA, t.ssl_ca);
    set_text(MYSQL_OPT_SSL_CAPATH, t.ssl_capath);
    set_text(MYSQL_OPT_SSL_CERT, t.ssl_cert);
    set_text(MYSQL_OPT_SSL_KEY, t.ssl_key);
    set_text(MYSQL_OPT_SSL_CIPHER, t.ssl_cipher);
    set_text(MARIADB_OPT_TLS_VERSION, t.tls_version);
    const my_bool verify = t.tls == tls_mode::verify_identity;
    set(MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    // Below verify_identity a server without TLS is only noticed after logging in, and with
    // use_ssl set Connector/C sends caching_sha2 passwords in clear, as it does for a server
    // asking for mysql_clear_password: allow only plugins that never reveal the password.
    if (t.tls != tls_mode::verify_identity) set(MARIADB_OPT_RESTRICTED_AUTH, "mysql_native_password,client_ed25519");
    if (!mysql_real_connect(m, t.host.c_str(), t.user.empty() ? nullptr : t.user.c_str(),
                            t.password.empty() ? nullptr : t.password.c_str(), t.database.empty() ? nullptr : t.database.c_str(),
                            t.port, t.unix_socket.empty() ? nullptr : t.unix_socket.c_str(),
                            CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS)) {
        // The server's message names the user, never the password; the URL is redacted.
        std::string why = mysql_error(m);
        if (mysql_errno(m) == CR_SSL_CONNECTION_ERROR) why += tls_hint(t);
        mysql_close(m);
        throw connection_error("sluice: cannot connect to " + t.redacted + ": " + why);
    }
    if (t.tls >= tls_mode::required && !mysql_get_ssl_cipher(m)) {
        mysql_close(m);
        throw connection_error("sluice: cannot connect to " + t.redacted + ": ssl_mode=" + std::string(tls_mode_name(t.tls)) +
                               " but the server offers no TLS; the connection was closed before any statement ran "
                               "(ssl_mode=verify_identity refuses such a server before authenticating)");
    }
    return m;
}

// Plain text connections: SOCI opens them from a connect string.
void open_plain(soci::session& soci, const connection_target& target) {
    std::string connect = "host=" + soci_quote(target.host) + " port=" + std::to_string(target.port) +
                          " charset=utf8mb4 connect_timeout=" + std::to_string(target.connect_timeout_s);
    if (!target.user.empty()) connect += " user=" + soci_quote(target.user);
    if (!target.password.empty()) connect += " password=" + soci_quote(target.password);
    if (!target.database.empty()) connect += " db=" + soci_quote(target.database);
    if (!target.unix_socket.empty()) connect += " unix_socket=" + soci_quote(target.unix_socket);
    if (target.read_timeout_s) connect += " read_timeout=" + std::to_string(target.read_timeout_s);
    if (target.write_timeout_s) connect += " write_timeout=" + std::to_string(target.write_timeout_s);
    try {
        soci.open(*soci::factory_mysql(), connect);
    } catch (const std::exception& e) {
        // The server's message names the user, never the password; the URL is redacted.
        throw connection_error("sluice: cannot connect to " + target.redacted + ": " + e.what());
    }
}


}  // namespace

mysql_link::mysql_link(const connection_target& target) {
    if (target.tls != tls_mode::disabled) {
        conn_ = own_ = open_tls(target);
    } else {
        open_plain(soci_, target);
        conn_ = native_connection(soci_);
    }
}

void mysql_link::close() noexcept {
    if (own_) mysql_close(own_);
    own_ = nullptr;
    soci_.close();
    conn_ = nullptr;
}

}  // namespace sluice::detail::mariadb
