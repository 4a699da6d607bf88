// Private to the MariaDB backend: the storage a bound parameter points at, and datetimes in MYSQL_TIME form.
#pragma once

#include <mysql.h>
#include <errmsg.h>

#include <chrono>
#include <cstdint>

#include "backend/connection.hpp"

namespace sluice::detail::mariadb {

struct param_slot {
    union {
        std::int64_t i;
        std::uint64_t u;
        double d;
    } number{};
    MYSQL_TIME time{};
    unsigned long length = 0;
    char decimal_text[sluice::decimal::max_chars];  // a DECIMAL is sent as its exact digits
};

inline void to_mysql_time(datetime t, MYSQL_TIME& out, std::size_t index) {
    using namespace std::chrono;
    const sys_days day_part = floor<days>(t);
    const year_month_day ymd{day_part};
    if (static_cast<int>(ymd.year()) < 1000 || static_cast<int>(ymd.year()) > 9999)
        throw bind_mismatch{index, "datetime outside MariaDB's range, years 1000-9999"};
    const long long us = (t - day_part).count();
    out = MYSQL_TIME{};
    out.year = static_cast<unsigned>(static_cast<int>(ymd.year()));
    out.month = static_cast<unsigned>(ymd.month());
    out.day = static_cast<unsigned>(ymd.day());
    out.hour = static_cast<unsigned>(us / 3'600'000'000LL);
    out.minute = static_cast<unsigned>(us / 60'000'000LL % 60);
    out.second = static_cast<unsigned>(us / 1'000'000LL % 60);
    out.second_part = static_cast<unsigned long>(us % 1'000'000LL);
    out.time_type = MYSQL_TIMESTAMP_DATETIME;
}

}  // namespace sluice::detail::mariadb
