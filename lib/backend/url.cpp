// Database URLs: scheme, credentials, host, port, path and options, the password redacted first.
#include "backend/url.hpp"
#include "types/ascii.hpp"

#include <charconv>

#include <sluice/error.hpp>

namespace sluice::detail {
namespace {

[[noreturn]] void bad_url(const std::string& redacted, std::string_view why) {
    throw connection_error("sluice: bad database URL '" + redacted + "': " + std::string(why));
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view in, const std::string& redacted, std::string_view part) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        const int hi = i + 2 < in.size() ? hex_digit(in[i + 1]) : -1;
        const int lo = i + 2 < in.size() ? hex_digit(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) bad_url(redacted, "invalid percent-escape in the " + std::string(part));
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

// Replaces the password (between the first ':' of the authority and its '@') before anything
// else is done with the URL, so no error path can leak it.
std::string redact(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url.substr(0, url.find(':')));
    const std::size_t auth_begin = scheme_end + 3;
    const std::size_t at = url.rfind('@', url.find('/', auth_begin));
    if (at == std::string_view::npos || at < auth_begin) return std::string(url);
    const std::size_t colon = url.find(':', auth_begin);
    if (colon == std::string_view::npos || colon > at) return std::string(url);
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
    for (std::string_view a : allowed)
        if (v == a) return true;
    return false;
}

// Calls f(key, decoded value) for each key=value of a URL's query string.
template <class F> void for_each_option(std::string_view query, const std::string& redacted, F f) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        const std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), redacted, "query");
        f(pair.substr(0, eq), value);
    }
}

}  // namespace

connection_target parse_url(std::string_view url) {
    connection_target t;
    t.redacted = redact(url);
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        bad_url(t.redacted, "expected scheme://..., e.g. sqlite:///app.db or mariadb://user@host/db");
    const std::string_view scheme = url.substr(0, scheme_end);
    std::string_view rest = url.substr(scheme_end + 3);

    if (scheme == "sqlite") {
        t.backend = backend_kind::sqlite;
        std::string_view query;
        if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
            query = rest.substr(q + 1);
            rest = rest.substr(0, q);
        }
        for_each_option(query, t.redacted, [&](std::string_view key, const std::string& value) {
            const std::string upper = ascii_uppercase(value);
            if (key == "journal_mode") {
                if (!one_of(upper, {"WAL", "DELETE", "TRUNCATE", "PERSIST", "MEMORY", "OFF"}))
                    bad_url(t.redacted, "journal_mode must be one of wal, delete, truncate, persist, memory, off");
                t.journal_mode = upper;
            } else if (key == "synchronous") {
                if (!one_of(upper, {"OFF", "NORMAL", "FULL", "EXTRA"}))
                    bad_url(t.redacted, "synchronous must be one of off, normal, full, extra");
                t.synchronous = upper;
            } else {
                bad_url(t.redacted, "unknown option '" + std::string(key) + "' (known for sqlite: journal_mode, synchronous)");
            }
        });
        if (rest.empty()) {
            t.path = ":memory:";
            return t;
        }
        if (rest.front() != '/') bad_url(t.redacted, "sqlite URLs have no host: use sqlite:///relative.db or sqlite:////abs/path.db");
        rest.remove_prefix(1);  // sqlite:///x.db -> "x.db", sqlite:////abs -> "/abs"
        if (rest.empty()) bad_url(t.redacted, "missing database file name");
        t.path = percent_decode(rest, t.redacted, "path");
        return t;
    }
    if (scheme != "mysql" && scheme != "mariadb")
        bad_url(t.redacted, "unknown scheme '" + std::string(scheme) + "': use sqlite, mysql or mariadb");

    t.backend = backend_kind::mysql;
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) t.database = percent_decode(rest.substr(slash + 1), t.redacted, "database name");
    if (t.database.find('/') != std::string::npos) bad_url(t.redacted, "database name contains '/'");

    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        t.user = percent_decode(userinfo.substr(0, colon), t.redacted, "user name");
        if (colon != std::string_view::npos)
            t.password = percent_decode(userinfo.substr(colon + 1), t.redacted, "password");
    }
    std::string_view host = authority;
    if (const std::size_t colon = authority.rfind(':');
        colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        host = authority.substr(0, colon);
        const std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
            bad_url(t.redacted, "port must be a number from 1 to 65535");
        t.port = value;
    }
    if (host.empty()) bad_url(t.redacted, "missing host");
    t.host = percent_decode(host, t.redacted, "host");

    for_each_option(query, t.redacted, [&](std::string_view key, const std::string& value) {
        if (key == "connect_timeout") {
            unsigned seconds = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (ec != std::errc{} || end != value.data() + value.size() || seconds == 0)
                bad_url(t.redacted, "connect_timeout must be a positive number of seconds");
            t.connect_timeout_s = seconds;
        } else if (key == "unix_socket") {
            t.unix_socket = value;
        } else {
            bad_url(t.redacted, "unknown option '" + std::string(key) + "' (known: connect_timeout, unix_socket)");
        }
    });
    return t;
}

}  // namespace sluice::detail
