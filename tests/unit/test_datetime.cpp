// The datetime and date text forms: formatting, parsing, the edges of their range.
#include <doctest/doctest.h>

#include <sluice/sluice.hpp>

#include "../../lib/types/datetime.hpp"
#include "../support.hpp"

using namespace sluice::detail;

TEST_CASE("datetime text is fixed-width and round-trips to the microsecond") {
    char text[datetime_text_size + 1];
    const sluice::datetime t = support::at(2024, 2, 29, 23, 59, 58, 7);
    REQUIRE(format_datetime(t, text));
    CHECK(std::string(text) == "2024-02-29 23:59:58.000007");
    CHECK(parse_datetime(text) == t);
    REQUIRE(format_datetime(support::at(1, 1, 1), text));
    CHECK(std::string(text) == "0001-01-01 00:00:00.000000");
    CHECK_FALSE(format_datetime(support::at(10000, 1, 1), text));
    CHECK_FALSE(format_datetime(support::at(-1, 1, 1), text));
}

TEST_CASE("datetime parsing accepts shorter fractions and rejects garbage") {
    CHECK(parse_datetime("2024-01-02 03:04:05") == support::at(2024, 1, 2, 3, 4, 5));
    CHECK(parse_datetime("2024-01-02T03:04:05.5") == support::at(2024, 1, 2, 3, 4, 5, 500000));
    CHECK(parse_datetime("2024-01-02") == support::at(2024, 1, 2));
    CHECK_FALSE(parse_datetime("2024-02-30 00:00:00"));
    CHECK_FALSE(parse_datetime("2024-01-02 24:00:00"));
    CHECK_FALSE(parse_datetime("yesterday"));
    CHECK_FALSE(parse_datetime("2024-01-02 03:04:05.1234567"));
    CHECK_FALSE(parse_datetime("2024-01-02 03:04:05."));
}

TEST_CASE("date text") {
    char text[date_text_size + 1];
    using namespace std::chrono;
    const sluice::date d = sys_days{year{1999} / 12 / 31};
    REQUIRE(format_date(d, text));
    CHECK(std::string(text) == "1999-12-31");
    CHECK(parse_date("1999-12-31") == d);
    CHECK_FALSE(parse_date("1999-13-01"));
    CHECK_FALSE(parse_date("1999-12-31 00:00:00"));
}

TEST_CASE("leap days and month lengths are validated") {
    CHECK(parse_date("2024-02-29"));
    CHECK(parse_date("2000-02-29"));
    CHECK_FALSE(parse_date("2023-02-29"));
    CHECK_FALSE(parse_date("1900-02-29"));
    CHECK_FALSE(parse_date("2024-04-31"));
    CHECK_FALSE(parse_date("2024-00-10"));
    CHECK_FALSE(parse_date("2024-1a-10"));
    CHECK(parse_datetime("0001-01-01 00:00:00.000000") == support::at(1, 1, 1));
    CHECK(parse_datetime("9999-12-31 23:59:59.999999") == support::at(9999, 12, 31, 23, 59, 59, 999999));
    CHECK(parse_datetime("1969-12-31 23:59:59.5") == support::at(1969, 12, 31, 23, 59, 59, 500000));  // before the epoch
}
