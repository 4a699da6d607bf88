// Private: database URLs.
#pragma once

#include <string>
#include <string_view>

namespace sluice::detail {

enum class backend_kind { sqlite, mysql };

// MySQL's names for how much TLS a connection insists on (ssl_mode=...).
enum class tls_mode { disabled, preferred, required, verify_ca, verify_identity };
std::string_view tls_mode_name(tls_mode mode) noexcept;

struct connection_target {
    backend_kind backend = backend_kind::sqlite;
    std::string path;  // sqlite: file path, or ":memory:"
    // sqlite file databases: ?journal_mode=wal|delete|truncate|persist|memory|off and
    // ?synchronous=normal|full|extra|off (validated: they are spliced into PRAGMA text).
    std::string journal_mode = "WAL", synchronous = "NORMAL";
    std::string user, password, host, database;
    unsigned port = 3306;
    std::string unix_socket;
    unsigned connect_timeout_s = 10;
    unsigned read_timeout_s = 0, write_timeout_s = 0;  // 0: the client library's default
    // Without ssl_mode: verify_ca when ssl_ca/ssl_capath is given, required when another ssl_*
    // option is, else disabled (Connector/C's own default: plain text).
    tls_mode tls = tls_mode::disabled;
    std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, tls_version;
    // The URL with the password replaced by "***": the only form that goes into messages.
    std::string redacted;
};

// sqlite:///relative.db, sqlite:////abs.db, sqlite:// (memory), sqlite:///x.db?journal_mode=delete,
// mysql://user:password@host:port/db?connect_timeout=5 (also mariadb://); an IPv6 host in brackets,
// [::1]:3306. The user information runs to the last '@', so an unencoded '@', '/', '?' or ':' in a
// password still parses (and is redacted).
// Throws sluice::connection_error.
connection_target parse_url(std::string_view url);

}  // namespace sluice::detail
