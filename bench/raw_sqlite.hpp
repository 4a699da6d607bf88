// The raw sqlite3 side of the bench programs: one read-only connection and one prepared statement.
#pragma once

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace bench {

struct sqlite_statement {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;

    [[noreturn]] void fail(const char* what) const {
        throw std::runtime_error(std::string("raw sqlite3: ") + what + ": " + (db ? sqlite3_errmsg(db) : "no connection"));
    }
    void open(const std::string& path, const std::string& sql) {
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) fail("open");
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            fail("prepare");
    }
    void close() {
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        stmt = nullptr;
        db = nullptr;
    }
};

}  // namespace bench
