// The raw libmariadb side of the bench programs: a connection, and one prepared statement on it.
#pragma once

#include <mysql.h>

#include <stdexcept>
#include <string>

#include "bench.hpp"

namespace bench {

inline MYSQL* mysql_connect(const mysql_target& t) {
    MYSQL* c = mysql_init(nullptr);
    if (!c) throw std::runtime_error("mysql_init failed");
    mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(c, t.host.c_str(), t.user.c_str(), t.password.c_str(), t.database.c_str(), t.port, nullptr, 0)) {
        const std::string message = mysql_error(c);
        mysql_close(c);
        throw std::runtime_error("raw libmariadb: cannot connect: " + message);
    }
    return c;
}

// A statement prepared once on a connection of its own; results are bound by the program.
struct mysql_statement {
    MYSQL* conn = nullptr;
    MYSQL_STMT* stmt = nullptr;

    [[noreturn]] void fail(const char* what) const {
        throw std::runtime_error(std::string("raw libmariadb: ") + what + ": " + (stmt ? mysql_stmt_error(stmt) : mysql_error(conn)));
    }
    void open(const mysql_target& t, const std::string& sql) {
        conn = mysql_connect(t);
        stmt = mysql_stmt_init(conn);
        if (!stmt) fail("mysql_stmt_init");
        if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) fail("prepare");
    }
    void close() {
        if (stmt) mysql_stmt_close(stmt);
        if (conn) mysql_close(conn);
        stmt = nullptr;
        conn = nullptr;
    }
};

}  // namespace bench
