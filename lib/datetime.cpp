#include "datetime.hpp"

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
        const char c = text[at + static_cast<std::size_t>(i)];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
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

std::optional<sys_days> read_date(std::string_view text) noexcept {
    int y = 0, m = 0, d = 0;
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !read_digits(text, 0, 4, y) ||
        !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d))
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
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
    const auto day_part = read_date(text);
    if (!day_part) return std::nullopt;
    if (text.size() == 10) return datetime{*day_part};
    int h = 0, mi = 0, s = 0;
    if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':' ||
        !read_digits(text, 11, 2, h) || !read_digits(text, 14, 2, mi) || !read_digits(text, 17, 2, s) ||
        h > 23 || mi > 59 || s > 59)
        return std::nullopt;
    long long us = 0;
    if (text.size() > 19) {
        if (text[19] != '.' || text.size() > 26 || text.size() == 20) return std::nullopt;
        int scale = 1'000'000;
        for (std::size_t i = 20; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            scale /= 10;
            us += (text[i] - '0') * static_cast<long long>(scale);
        }
    }
    return datetime{*day_part} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

bool format_date(date d, char (&out)[date_text_size + 1]) noexcept {
    if (!write_date(year_month_day{d}, out)) return false;
    out[10] = '\0';
    return true;
}

std::optional<date> parse_date(std::string_view text) noexcept {
    if (text.size() != 10) return std::nullopt;
    return read_date(text);
}

}  // namespace sluice::detail
