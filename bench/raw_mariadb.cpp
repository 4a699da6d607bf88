// Hand-written libmariadb baselines: what a careful programmer writes without an ORM.
#include <mysql.h>

#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "bench.hpp"
#include "raw_mariadb.hpp"

namespace bench {
namespace {

[[noreturn]] void fail(MYSQL* c, const char* what) {
    throw std::runtime_error(std::string("raw libmariadb: ") + what + ": " + mysql_error(c));
}
[[noreturn]] void fail(MYSQL_STMT* s, const char* what) {
    throw std::runtime_error(std::string("raw libmariadb: ") + what + ": " + mysql_stmt_error(s));
}

template <class N> void parse_number(const char* s, unsigned long n, N& out) {
    const auto [end, ec] = std::from_chars(s, s + n, out);
    if (ec != std::errc{} || end != s + n) throw std::runtime_error("raw libmariadb: bad number " + std::string(s, n));
}

sluice::datetime from_mysql_time(const MYSQL_TIME& t) noexcept {
    const std::int64_t secs = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
    return sluice::datetime{std::chrono::microseconds{secs * 1'000'000 + static_cast<std::int64_t>(t.second_part)}};
}

}  // namespace

method raw_mariadb_stream(mysql_target target) {
    auto conn = std::make_shared<MYSQL*>(nullptr);
    method m;
    m.key = "raw_stream";
    m.label = "raw libmariadb: one SELECT, mysql_use_result";
    m.setup = [conn, target] { *conn = mysql_connect(target); };
    m.teardown = [conn] {
        if (*conn) mysql_close(*conn);
        *conn = nullptr;
    };
    m.run = [conn] {
        MYSQL* c = *conn;
        static const std::string sql = std::string(users_select) + " ORDER BY id";
        if (mysql_real_query(c, sql.data(), sql.size()) != 0) fail(c, "query");
        MYSQL_RES* res = mysql_use_result(c);
        if (!res) fail(c, "mysql_use_result");
        checksum cs;
        User u;
        while (MYSQL_ROW row = mysql_fetch_row(res)) {
            const unsigned long* len = mysql_fetch_lengths(res);
            parse_number(row[0], len[0], u.id);
            u.name.assign(row[1], len[1]);
            parse_number(row[2], len[2], u.age);
            parse_number(row[3], len[3], u.score);
            if (!parse_datetime_text(row[4], len[4], u.created_at))
                throw std::runtime_error("raw libmariadb: bad datetime " + std::string(row[4], len[4]));
            if (row[5]) {
                if (!u.bio) u.bio.emplace();
                u.bio->assign(row[5], len[5]);
            } else {
                u.bio.reset();
            }
            cs.add(u);
        }
        const bool failed = mysql_errno(c) != 0;
        mysql_free_result(res);
        if (failed) fail(c, "mysql_fetch_row");
        return cs;
    };
    return m;
}

namespace {

// A prepared SELECT of users_select's columns and its bound result buffers, reused for every
// execution: each keyset page, or the one prepared stream.
struct users_statement {
    MYSQL* conn = nullptr;
    MYSQL_STMT* stmt = nullptr;
    long long last_id = 0;
    MYSQL_BIND param{};
    MYSQL_BIND result[6]{};
    long long id = 0;
    char name[256];
    unsigned long name_length = 0;
    int age = 0;
    double score = 0;
    MYSQL_TIME created_at{};
    char bio[256];
    unsigned long bio_length = 0;
    my_bool bio_null = 0;
    my_bool error[6]{};
    std::string long_value;  // for a text longer than its buffer (never, with the bench data)

    // `keyset`: the statement takes the last id as its one parameter.
    void open(const mysql_target& t, const std::string& sql, bool keyset) {
        conn = mysql_connect(t);
        stmt = mysql_stmt_init(conn);
        if (!stmt) fail(conn, "mysql_stmt_init");
        if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) fail(stmt, "prepare");
        param.buffer_type = MYSQL_TYPE_LONGLONG;
        param.buffer = &last_id;
        result[0].buffer_type = MYSQL_TYPE_LONGLONG;
        result[0].buffer = &id;
        result[1].buffer_type = MYSQL_TYPE_STRING;
        result[1].buffer = name;
        result[1].buffer_length = sizeof name;
        result[1].length = &name_length;
        result[2].buffer_type = MYSQL_TYPE_LONG;
        result[2].buffer = &age;
        result[3].buffer_type = MYSQL_TYPE_DOUBLE;
        result[3].buffer = &score;
        result[4].buffer_type = MYSQL_TYPE_DATETIME;
        result[4].buffer = &created_at;
        result[5].buffer_type = MYSQL_TYPE_STRING;
        result[5].buffer = bio;
        result[5].buffer_length = sizeof bio;
        result[5].length = &bio_length;
        result[5].is_null = &bio_null;
        for (int i = 0; i < 6; ++i) result[i].error = &error[i];
        if (keyset && mysql_stmt_bind_param(stmt, &param) != 0) fail(stmt, "bind_param");
        if (mysql_stmt_bind_result(stmt, result) != 0) fail(stmt, "bind_result");
    }
    void close() {
        if (stmt) mysql_stmt_close(stmt);
        if (conn) mysql_close(conn);
        stmt = nullptr;
        conn = nullptr;
    }

    // Text of column `i` whose value did not fit its buffer.
    std::string_view refetch(unsigned i, unsigned long length) {
        long_value.resize(length);
        MYSQL_BIND b{};
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = long_value.data();
        b.buffer_length = length;
        if (mysql_stmt_fetch_column(stmt, &b, i, 0) != 0) fail(stmt, "fetch_column");
        return long_value;
    }

    // Executes the statement and folds every row, fetched unbuffered, into cs; u holds the
    // last row afterwards. Returns the number of rows.
    std::size_t scan(checksum& cs, User& u, row_hook body = nullptr) {
        if (mysql_stmt_execute(stmt) != 0) fail(stmt, "execute");
        std::size_t rows = 0;
        for (;;) {
            const int rc = mysql_stmt_fetch(stmt);
            if (rc == MYSQL_NO_DATA) break;
            if (rc == 1) fail(stmt, "fetch");
            u.id = id;
            if (rc == MYSQL_DATA_TRUNCATED && name_length > sizeof name) u.name.assign(refetch(1, name_length));
            else u.name.assign(name, name_length);
            u.age = age;
            u.score = score;
            u.created_at = from_mysql_time(created_at);
            if (bio_null) {
                u.bio.reset();
            } else {
                if (!u.bio) u.bio.emplace();
                if (rc == MYSQL_DATA_TRUNCATED && bio_length > sizeof bio) u.bio->assign(refetch(5, bio_length));
                else u.bio->assign(bio, bio_length);
            }
            cs.add(u);
            if (body) body(u);
            ++rows;
        }
        mysql_stmt_free_result(stmt);
        return rows;
    }
};

}  // namespace

method raw_mariadb_keyset(mysql_target target, row_hook body) {
    auto st = std::make_shared<users_statement>();
    method m;
    m.key = "raw_keyset";
    m.label = "raw libmariadb: keyset pages of 1000, prepared";
    m.setup = [st, target] {
        st->open(target, std::string(users_select) + " WHERE id > ? ORDER BY id LIMIT " + std::to_string(page_rows), true);
    };
    m.teardown = [st] { st->close(); };
    m.run = [st, body] {
        checksum cs;
        User u;
        st->last_id = std::numeric_limits<long long>::min();
        while (st->scan(cs, u, body) == page_rows) st->last_id = u.id;
        return cs;
    };
    return m;
}

method raw_mariadb_stmt_stream(mysql_target target) {
    auto st = std::make_shared<users_statement>();
    method m;
    m.key = "raw_stmt_stream";
    m.label = "raw libmariadb: one prepared SELECT, unbuffered mysql_stmt_fetch";
    m.setup = [st, target] { st->open(target, users_select, false); };
    m.teardown = [st] { st->close(); };
    m.run = [st] {
        checksum cs;
        User u;
        st->scan(cs, u);
        return cs;
    };
    return m;
}

}  // namespace bench

namespace bench {
std::string libmariadb_version() { return mysql_get_client_info(); }
}  // namespace bench
