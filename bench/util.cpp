// URL and datetime parsing for the raw clients; the test data.
#include <array>
#include <stdexcept>

#include "bench.hpp"

namespace bench {
namespace {

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
            const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

constexpr std::array<std::string_view, 24> first_names{
    "Amelia", "Oliver", "Isla", "Noah", "Freya", "Arthur", "Ivy", "Leo", "Florence", "Oscar", "Rosie", "Theodore",
    "Evelyn", "Jacques", "Matilda", "Hugo", "Beatrix", "Mateo", "Yuki", "Ravi", "Zofia", "Emeka", "Ingrid", "Tomas"};
constexpr std::array<std::string_view, 24> last_names{
    "Anderson", "Blackwood", "Castellano", "Dubois", "Eriksson", "Fitzgerald", "Gonzalez", "Hakimi",
    "Ivanova", "Johansson", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okonkwo", "Petrovic",
    "Quintero", "Rasmussen", "Schneider", "Takahashi", "Underwood", "Vasquez", "Whitfield", "Yamamoto"};
constexpr std::array<std::string_view, 12> hobbies{"chess", "climbing", "jazz", "baking", "cycling", "poetry",
                                                   "sailing", "gardening", "opera", "running", "pottery", "birding"};
constexpr std::array<std::string_view, 10> cities{"Lyon", "Osaka", "Leeds", "Porto", "Lagos",
                                                  "Turin", "Bergen", "Quito", "Pune", "Gdansk"};

}  // namespace

mysql_target parse_mysql_url(std::string_view url) {
    mysql_target t;
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos || (url.substr(0, scheme) != "mariadb" && url.substr(0, scheme) != "mysql"))
        throw std::runtime_error("not a mariadb:// or mysql:// URL: " + std::string(url.substr(0, scheme)) + "://...");
    std::string_view rest = url.substr(scheme + 3);
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
    std::string_view hostport = rest;
    if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
        t.database = percent_decode(rest.substr(slash + 1));
        hostport = rest.substr(0, slash);
    }
    if (const std::size_t at = hostport.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = hostport.substr(0, at);
        hostport = hostport.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        t.user = percent_decode(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) t.password = percent_decode(userinfo.substr(colon + 1));
    }
    if (const std::size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
        t.port = static_cast<unsigned>(std::stoul(std::string(hostport.substr(colon + 1))));
        hostport = hostport.substr(0, colon);
    }
    if (!hostport.empty()) t.host = std::string(hostport);
    return t;
}

bool parse_datetime_text(const char* s, std::size_t n, sluice::datetime& out) noexcept {
    if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
    auto num = [&](std::size_t at, std::size_t width, unsigned& v) {
        v = 0;
        for (std::size_t i = at; i < at + width; ++i) {
            const unsigned d = static_cast<unsigned char>(s[i]) - '0';
            if (d > 9) return false;
            v = v * 10 + d;
        }
        return true;
    };
    unsigned y, mo, d, h, mi, sec;
    if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, sec)) return false;
    std::int64_t us = 0;
    if (n > 19) {
        if (s[19] != '.' || n > 26) return false;
        unsigned frac;
        if (!num(20, n - 20, frac)) return false;
        us = frac;
        for (std::size_t i = n; i < 26; ++i) us *= 10;
    }
    const std::int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    out = sluice::datetime{std::chrono::microseconds{secs * 1'000'000 + us}};
    return true;
}

User make_user(std::int64_t i) {
    const std::uint64_t h = mix(static_cast<std::uint64_t>(i));
    const std::uint64_t h2 = mix(h);
    User u;
    u.id = i + 1;
    // "Firstname Lastname": 7 to 18 characters, most of them past the 15-byte small-string buffer.
    u.name.reserve(24);
    u.name.append(first_names[h % first_names.size()]);
    u.name += ' ';
    u.name.append(last_names[(h >> 8) % last_names.size()]);
    if (u.name.size() < 12) u.name.append(" Jr.");
    u.age = static_cast<std::int32_t>((h >> 16) % 100);       // 100 values: many ties for order_by(age)
    u.score = static_cast<double>((h >> 24) % 100000) / 100;  // 0.00 .. 999.99
    // One row a minute from 2005 on (1M rows span two years, 10M nineteen), jittered by up to an
    // hour and with microseconds: near id order, as a real created_at column would be.
    constexpr std::int64_t start_us = (days_from_civil(2005, 1, 1) * 86400) * 1'000'000;
    const std::int64_t jitter_us = static_cast<std::int64_t>(h2 % 3'600'000'000ULL);
    u.created_at = sluice::datetime{std::chrono::microseconds{start_us + i * 60'000'000 + jitter_us}};
    if (h2 % 3 != 0) {  // two rows in three have a bio of about 30 characters
        std::string bio;
        bio.reserve(40);
        bio.append("Into ");
        bio.append(hobbies[(h2 >> 8) % hobbies.size()]);
        bio.append(" & ");
        bio.append(hobbies[(h2 >> 16) % hobbies.size()]);
        bio.append(", in ");
        bio.append(cities[(h2 >> 24) % cities.size()]);
        u.bio = std::move(bio);
    }
    return u;
}

}  // namespace bench
