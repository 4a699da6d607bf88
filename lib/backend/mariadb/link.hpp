// Private: opening a MariaDB/MySQL connection: plain text through SOCI, TLS through Connector/C.
#pragma once

#include <mysql.h>

#include <soci/soci.h>

#include "backend/url.hpp"

namespace sluice::detail::mariadb {

// The open MYSQL handle and what owns it. Throws sluice::connection_error naming the redacted URL
// and, for a TLS refusal, what the ssl_mode needed.
class mysql_link {
public:
    explicit mysql_link(const connection_target& target);
    mysql_link(const mysql_link&) = delete;
    mysql_link& operator=(const mysql_link&) = delete;
    ~mysql_link() { close(); }

    MYSQL* handle() const noexcept { return conn_; }
    void close() noexcept;

private:
    soci::session soci_;     // plain connections
    MYSQL* own_ = nullptr;   // TLS connections
    MYSQL* conn_ = nullptr;  // whichever of the two is open
};

}  // namespace sluice::detail::mariadb
