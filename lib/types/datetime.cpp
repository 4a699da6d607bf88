// The fixed-width ISO-8601 text form of datetimes and dates (SQLite storage, logs).
#include "types/datetime.hpp"

#include <chrono>

namespace sluice::detail {
namespace {

using namespace std::chrono;

void put_digits(char* out, long long value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

bool read_digits(std::string_view text, std::size_t at, int width, int& out) noexcept {
    int value = 0;
    for (int i = 0; i < width; ++i) {
        const unsigned digit = static_cast<unsigned char>(text[at + static_cast<std::size_t>(i)]) - '0';
        if (digit > 9) return false;
        value = value * 10 + static_cast<int>(digit);
    }
    out = value;
    return true;
}

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days since 1970-01-01 of a valid proleptic Gregorian date (Howard Hinnant's civil algorithm):
// the per-row path of every datetime read on SQLite, so no chrono round trips here.
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

// Parses "YYYY-MM-DD" at the start of text, validating the day against the month.
bool read_day_number(std::string_view text, std::int64_t& days) noexcept {
    static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0, m = 0, d = 0;
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !read_digits(text, 0, 4, y) ||
        !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1] + (m == 2 && is_leap(y) ? 1 : 0)) return false;
    days = days_from_civil(y, m, d);
    return true;
}

bool write_date(year_month_day ymd, char* out) noexcept {
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return false;
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, static_cast<unsigned>(ymd.month()), 2);
    out[7] = '-';
    put_digits(out + 8, static_cast<unsigned>(ymd.day()), 2);
    return true;
}

}  // namespace

bool format_datetime(datetime t, char (&out)[datetime_text_size + 1]) noexcept {
    const sys_days day_part = floor<days>(t);
    if (!write_date(year_month_day{day_part}, out)) return false;
    const long long us = (t - day_part).count();
    out[10] = ' ';
    put_digits(out + 11, us / 3'600'000'000LL, 2);
    out[13] = ':';
    put_digits(out + 14, us / 60'000'000LL % 60, 2);
    out[16] = ':';
    put_digits(out + 17, us / 1'000'000LL % 60, 2);
    out[19] = '.';
    put_digits(out + 20, us % 1'000'000LL, 6);
    out[26] = '\0';
    return true;
}

std::optional<datetime> parse_datetime(std::string_view text) noexcept {
    // Accepts the stored form and, for rows written by other tools, a shorter fraction or none.
    std::int64_t days = 0;
    if (!read_day_number(text, days)) return std::nullopt;
    if (text.size() == 10) return datetime{sys_days{std::chrono::days{days}}};
    int h = 0, mi = 0, s = 0;
    if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':' ||
        !read_digits(text, 11, 2, h) || !read_digits(text, 14, 2, mi) || !read_digits(text, 17, 2, s) ||
        h > 23 || mi > 59 || s > 59)
        return std::nullopt;
    std::int64_t us = 0;
    if (text.size() > 19) {
        if (text[19] != '.' || text.size() > 26 || text.size() == 20) return std::nullopt;
        int fraction = 0;
        const int digits = static_cast<int>(text.size()) - 20;
        if (!read_digits(text, 20, digits, fraction)) return std::nullopt;
        us = fraction;
        for (int i = digits; i < 6; ++i) us *= 10;
    }
    const std::int64_t seconds_of_day = h * 3600 + mi * 60 + s;
    return datetime{microseconds{(days * 86400 + seconds_of_day) * 1'000'000 + us}};
}

bool format_date(date d, char (&out)[date_text_size + 1]) noexcept {
    if (!write_date(year_month_day{d}, out)) return false;
    out[10] = '\0';
    return true;
}

std::optional<date> parse_date(std::string_view text) noexcept {
    std::int64_t days = 0;
    if (text.size() != 10 || !read_day_number(text, days)) return std::nullopt;
    return date{std::chrono::days{days}};
}

}  // namespace sluice::detail
