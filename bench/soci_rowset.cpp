// SOCI rowset<row> over the whole table: the memory contrast (the mysql backend buffers the
// whole result with mysql_store_result; the sqlite3 backend steps).
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/version.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <ctime>
#include <optional>
#include <stdexcept>

#include "bench.hpp"

namespace bench {
namespace {

std::int64_t get_integer(const soci::row& r, std::size_t i) {
    switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    default: throw std::runtime_error("SOCI: column " + std::to_string(i) + " is not an integer");
    }
}

double get_real(const soci::row& r, std::size_t i) {
    if (r.get_properties(i).get_data_type() == soci::dt_double) return r.get<double>(i);
    return static_cast<double>(get_integer(r, i));
}

sluice::datetime get_datetime(const soci::row& r, std::size_t i) {
    if (r.get_properties(i).get_data_type() == soci::dt_string) {
        const std::string text = r.get<std::string>(i);
        sluice::datetime out;
        if (!parse_datetime_text(text.data(), text.size(), out)) throw std::runtime_error("SOCI: bad datetime " + text);
        return out;
    }
    // std::tm has whole seconds: SOCI drops the microseconds.
    std::tm tm = r.get<std::tm>(i);
    const std::int64_t secs = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday)) * 86400 +
                              tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return sluice::datetime{std::chrono::microseconds{secs * 1'000'000}};
}

checksum scan(soci::session& sql) {
    checksum cs;
    User u;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, name, age, score, created_at, bio FROM users ORDER BY id");
    for (const soci::row& r : rs) {
        u.id = get_integer(r, 0);
        u.name = r.get<std::string>(1);
        u.age = static_cast<std::int32_t>(get_integer(r, 2));
        u.score = get_real(r, 3);
        u.created_at = get_datetime(r, 4);
        if (r.get_indicator(5) == soci::i_null) u.bio.reset();
        else u.bio = r.get<std::string>(5);
        cs.add(u);
    }
    return cs;
}

}  // namespace

method soci_mysql_rowset(mysql_target t) {
    auto s = std::make_shared<std::optional<soci::session>>();
    method m;
    m.key = "soci";
    m.label = "SOCI rowset<row> (mysql backend)";
    m.has_micros = false;
    m.setup = [s, t] {
        s->emplace(soci::mysql, "host=" + t.host + " port=" + std::to_string(t.port) + " user=" + t.user +
                                    " password=" + t.password + " db=" + t.database + " charset=utf8mb4");
    };
    m.teardown = [s] { s->reset(); };
    m.run = [s] { return scan(**s); };
    return m;
}

method soci_sqlite_rowset(std::string path) {
    auto s = std::make_shared<std::optional<soci::session>>();
    method m;
    m.key = "soci";
    m.label = "SOCI rowset<row> (sqlite3 backend)";
    m.has_micros = false;
    m.setup = [s, path] { s->emplace(soci::sqlite3, "db=\"" + path + "\""); };
    m.teardown = [s] { s->reset(); };
    m.run = [s] { return scan(**s); };
    return m;
}

}  // namespace bench

namespace bench {
std::string soci_version() {
    return std::to_string(SOCI_VERSION / 100000) + "." + std::to_string(SOCI_VERSION / 100 % 1000) + "." + std::to_string(SOCI_VERSION % 100);
}
}  // namespace bench
