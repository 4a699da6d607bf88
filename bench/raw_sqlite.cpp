// Hand-written sqlite3 baselines: keyset pages with one prepared statement, and one SELECT.
#include <sqlite3.h>

#include <limits>
#include <stdexcept>

#include "bench.hpp"
#include "raw_sqlite.hpp"

namespace bench {
namespace {

struct raw_sqlite : sqlite_statement {
    // The current row into u.
    void read(User& u) const {
        u.id = sqlite3_column_int64(stmt, 0);
        u.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
        u.age = sqlite3_column_int(stmt, 2);
        u.score = sqlite3_column_double(stmt, 3);
        const auto* at = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
        const auto at_size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, 4));
        if (!parse_datetime_text(at, at_size, u.created_at)) throw std::runtime_error("raw sqlite3: bad datetime " + std::string(at, at_size));
        if (sqlite3_column_type(stmt, 5) == SQLITE_NULL) {
            u.bio.reset();
        } else {
            if (!u.bio) u.bio.emplace();
            u.bio->assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 5)), static_cast<std::size_t>(sqlite3_column_bytes(stmt, 5)));
        }
    }
};

}  // namespace

method raw_sqlite_keyset(std::string path, row_hook body) {
    auto st = std::make_shared<raw_sqlite>();
    method m;
    m.key = "raw_keyset";
    m.label = "raw sqlite3: keyset pages of 1000, prepared once";
    m.setup = [st, path] {
        st->open(path, std::string(users_select) + " WHERE id > ?1 ORDER BY id LIMIT " + std::to_string(page_rows));
    };
    m.teardown = [st] { st->close(); };
    m.run = [st, body] {
        checksum cs;
        User u;
        sqlite3_int64 last = std::numeric_limits<sqlite3_int64>::min();
        for (;;) {
            sqlite3_bind_int64(st->stmt, 1, last);
            std::size_t rows = 0;
            int rc;
            while ((rc = sqlite3_step(st->stmt)) == SQLITE_ROW) {
                st->read(u);
                cs.add(u);
                if (body) body(u);
                last = u.id;
                ++rows;
            }
            if (rc != SQLITE_DONE) st->fail("step");
            sqlite3_reset(st->stmt);
            if (rows < page_rows) break;
        }
        return cs;
    };
    return m;
}

namespace {

// One SELECT stepped to the end, prepared once in setup.
method stepped_select(std::string path, std::string sql, std::string key, std::string label) {
    auto st = std::make_shared<raw_sqlite>();
    method m;
    m.key = std::move(key);
    m.label = std::move(label);
    m.setup = [st, path, sql] { st->open(path, sql); };
    m.teardown = [st] { st->close(); };
    m.run = [st] {
        checksum cs;
        User u;
        int rc;
        while ((rc = sqlite3_step(st->stmt)) == SQLITE_ROW) {
            st->read(u);
            cs.add(u);
        }
        if (rc != SQLITE_DONE) st->fail("step");
        sqlite3_reset(st->stmt);
        return cs;
    };
    return m;
}

}  // namespace

method raw_sqlite_stream(std::string path) {
    return stepped_select(std::move(path), std::string(users_select) + " ORDER BY id", "raw_stream",
                          "raw sqlite3: one SELECT stepped to the end");
}

// The stream<> comparison: the very SQL the sluice side runs.
method raw_sqlite_stmt_stream(std::string path) {
    return stepped_select(std::move(path), users_select, "raw_stmt_stream", "raw sqlite3: one SELECT (stream<>'s SQL) stepped to the end");
}

}  // namespace bench

namespace bench {
std::string sqlite_version() { return sqlite3_libversion(); }
}  // namespace bench
