// Database URLs: scheme, credentials, host, port, path and options, the password redacted first.
#include "backend/url.hpp"
#include "types/ascii.hpp"

#include <charconv>
#include <optional>
#include <vector>

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

// Whether text is safe to show as is: nothing but characters of names, numbers and hosts.
bool plain_text(std::string_view text, std::string_view extra) {
    for (char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '_' && c != '-' && c != '.' && extra.find(c) == std::string_view::npos) return false;
    }
    return true;
}

// The URL as messages may show it, made before anything else is done with the URL so that no
// error path can leak a password, whatever form the input takes: the user information (to the
// last '@') keeps only a plain user name; the host, port and path are shown only when they hold
// nothing but host and name characters; of the options, only known non-secret ones show their
// values. Text that is not a URL at all (a "key=value" connection string) is not shown.
std::string redact(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return "<not a URL, " + std::to_string(url.size()) + " characters, not shown>";
    const std::string_view scheme = url.substr(0, scheme_end);
    std::string out = plain_text(scheme, "") ? std::string(scheme) + "://" : "<scheme>://";
    std::string_view rest = url.substr(scheme_end + 3);
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        const std::size_t colon = userinfo.find(':');
        const std::string_view user = userinfo.substr(0, colon);
        out += plain_text(user, "%") ? std::string(user) : "<user>";
        if (colon != std::string_view::npos) out += ":***";
        out += '@';
        rest = rest.substr(at + 1);
    }
    const std::size_t q = rest.find('?');
    const std::string_view location = rest.substr(0, q);
    out += plain_text(location, ":/[]%") ? std::string(location) : "<host and path not shown>";
    if (q == std::string_view::npos) return out;
    std::string_view query = rest.substr(q + 1);
    std::string shown;
    while (true) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        const bool known = key == "connect_timeout" || key == "read_timeout" || key == "write_timeout" || key == "charset" ||
                           key == "journal_mode" || key == "synchronous" || key == "ssl_mode" || key == "tls_version";
        shown += shown.empty() ? "?" : "&";
        if (!plain_text(key, "")) shown += "***";
        else if (eq == std::string_view::npos) shown += std::string(key);
        else shown += std::string(key) + "=" + (known && plain_text(value, "") ? std::string(value) : "***");
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out + shown;
}

// An option's name as a message may show it: only a plain lower-case word (what is typed there by
// mistake could be anything, a password included).
std::string shown_key(std::string_view key) {
    const bool plain = !key.empty() && key.size() <= 32 &&
                       key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
    return plain ? "'" + std::string(key) + "'" : "(name not shown)";
}

// A positive number of seconds, for the timeouts.
unsigned seconds_option(std::string_view key, const std::string& value, const std::string& redacted) {
    unsigned seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{} || end != value.data() + value.size() || seconds == 0 || seconds > 86400)
        bad_url(redacted, std::string(key) + " must be a whole number of seconds from 1 to 86400");
    return seconds;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
    for (std::string_view a : allowed)
        if (v == a) return true;
    return false;
}

// Calls f(key, decoded value) for each key=value of a URL's query string. An option given twice
// is an error: which of the two wins would be a guess.
template <class F> void for_each_option(std::string_view query, const std::string& redacted, F f) {
    std::vector<std::string_view> seen;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        for (std::string_view k : seen)
            if (k == key) bad_url(redacted, "option " + shown_key(key) + " is given twice");
        seen.push_back(key);
        const std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), redacted, "query");
        f(key, value);
    }
}

// A file path option: not empty, no NUL (the client library takes C strings).
std::string path_option(std::string_view key, const std::string& value, const std::string& redacted) {
    if (value.empty() || value.find('\0') != std::string::npos)
        bad_url(redacted, std::string(key) + " must be a file path");
    return value;
}

// tls_version: a comma-separated list of the versions Connector/C accepts.
std::string tls_version_option(const std::string& value, const std::string& redacted) {
    std::string_view rest = value;
    if (rest.empty()) bad_url(redacted, "tls_version must list TLSv1.2 and/or TLSv1.3, e.g. tls_version=TLSv1.3");
    while (true) {
        const std::size_t comma = rest.find(',');
        if (!one_of(rest.substr(0, comma), {"TLSv1.2", "TLSv1.3"}))
            bad_url(redacted, "tls_version must list TLSv1.2 and/or TLSv1.3 (comma-separated), e.g. tls_version=TLSv1.3");
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return value;
}

// What the ssl_* options together ask for, checked for contradictions.
void settle_tls(connection_target& t, const std::optional<tls_mode>& mode) {
    const bool trust = !t.ssl_ca.empty() || !t.ssl_capath.empty();
    const bool any = trust || !t.ssl_cert.empty() || !t.ssl_key.empty() || !t.ssl_cipher.empty() || !t.tls_version.empty();
    t.tls = mode ? *mode : trust ? tls_mode::verify_ca : any ? tls_mode::required : tls_mode::disabled;
    if (t.tls == tls_mode::disabled && any)
        bad_url(t.redacted, "ssl_mode=disabled contradicts the other ssl_*/tls_version options given");
    if (t.tls == tls_mode::verify_ca && !trust)
        bad_url(t.redacted, "ssl_mode=verify_ca needs ssl_ca (or ssl_capath): the CA to check the server's certificate against");
    // Connector/C pins TLS 1.3 suites and TLS 1.2 ciphers through different calls, and an
    // ssl_cipher of one kind leaves the other unpinned: a pin holds only when 1.2 is the only version.
    if (!t.ssl_cipher.empty() && t.tls_version != "TLSv1.2")
        bad_url(t.redacted, "ssl_cipher pins TLS 1.2 ciphers only: add tls_version=TLSv1.2 (otherwise a TLS 1.3 server "
                            "would negotiate a suite the pin does not cover)");
    if (t.ssl_cert.empty() != t.ssl_key.empty())
        bad_url(t.redacted, "ssl_cert and ssl_key go together: the client certificate and its private key");
    if (!t.unix_socket.empty() && t.tls != tls_mode::disabled && t.tls != tls_mode::preferred)
        bad_url(t.redacted, "ssl_mode=" + std::string(tls_mode_name(t.tls)) +
                                " cannot be honoured over unix_socket: the client library does not use TLS on a local socket");
}

}  // namespace

std::string_view tls_mode_name(tls_mode mode) noexcept {
    switch (mode) {
        case tls_mode::disabled: return "disabled";
        case tls_mode::preferred: return "preferred";
        case tls_mode::required: return "required";
        case tls_mode::verify_ca: return "verify_ca";
        case tls_mode::verify_identity: return "verify_identity";
    }
    return "?";
}

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
                bad_url(t.redacted, "unknown option " + shown_key(key) + " (known for sqlite: journal_mode, synchronous)");
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
        bad_url(t.redacted, "unknown scheme " + (plain_text(scheme, "") ? "'" + std::string(scheme) + "'" : std::string("(not shown)")) +
                                ": use sqlite, mysql or mariadb");

    t.backend = backend_kind::mysql;
    // The user information first, to the last '@' (as redact() reads it), so that a password's
    // unencoded '/', '?' or '@' never shifts into the host, path or options.
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        t.user = percent_decode(userinfo.substr(0, colon), t.redacted, "user name");
        if (colon != std::string_view::npos)
            t.password = percent_decode(userinfo.substr(colon + 1), t.redacted, "password");
    }
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) t.database = percent_decode(rest.substr(slash + 1), t.redacted, "database name");
    if (t.database.find('/') != std::string::npos) bad_url(t.redacted, "database name contains '/'");

    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        // An IPv6 literal: [::1] or [::1]:3306.
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) bad_url(t.redacted, "an IPv6 host needs its closing ']'");
        host = authority.substr(1, close - 1);
        if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            bad_url(t.redacted, "the IPv6 host in [...] may only hold hexadecimal digits, ':' and '.'");
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') bad_url(t.redacted, "expected :port after the IPv6 host");
            port = after.substr(1);
            if (port.empty()) bad_url(t.redacted, "port must be a number from 1 to 65535");
        }
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) bad_url(t.redacted, "port must be a number from 1 to 65535");
    }
    if (!port.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
            bad_url(t.redacted, "port must be a number from 1 to 65535");
        t.port = value;
    }
    if (host.empty()) bad_url(t.redacted, "missing host");
    t.host = percent_decode(host, t.redacted, "host");
    if (t.host.find_first_of(" /@?#[]") != std::string::npos || t.host.find('\0') != std::string::npos)
        bad_url(t.redacted, "the host may not contain spaces, '/', '@', '?', '#', brackets or NUL");

    std::optional<tls_mode> mode;
    for_each_option(query, t.redacted, [&](std::string_view key, const std::string& value) {
        if (key == "ssl_mode") {
            const std::string v = ascii_lowercase(value);
            for (tls_mode m : {tls_mode::disabled, tls_mode::preferred, tls_mode::required, tls_mode::verify_ca, tls_mode::verify_identity})
                if (v == tls_mode_name(m)) mode = m;
            if (!mode) bad_url(t.redacted, "ssl_mode must be one of disabled, preferred, required, verify_ca, verify_identity");
        } else if (key == "ssl_ca") {
            t.ssl_ca = path_option(key, value, t.redacted);
        } else if (key == "ssl_capath") {
            t.ssl_capath = path_option(key, value, t.redacted);
        } else if (key == "ssl_cert") {
            t.ssl_cert = path_option(key, value, t.redacted);
        } else if (key == "ssl_key") {
            t.ssl_key = path_option(key, value, t.redacted);
        } else if (key == "ssl_cipher") {
            // OpenSSL cipher list syntax only; it goes to the library as a C string.
            if (value.empty() || value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:+!@.") !=
                                     std::string::npos)
                bad_url(t.redacted, "ssl_cipher must be an OpenSSL cipher list, e.g. ECDHE-RSA-AES256-GCM-SHA384");
            t.ssl_cipher = value;
        } else if (key == "tls_version") {
            t.tls_version = tls_version_option(value, t.redacted);
        } else if (key == "connect_timeout") {
            t.connect_timeout_s = seconds_option(key, value, t.redacted);
        } else if (key == "read_timeout") {
            t.read_timeout_s = seconds_option(key, value, t.redacted);
        } else if (key == "write_timeout") {
            t.write_timeout_s = seconds_option(key, value, t.redacted);
        } else if (key == "unix_socket") {
            t.unix_socket = value;
        } else if (key == "charset") {
            // Text is bound, compared and checked as UTF-8: another connection character set would
            // make the server convert (and lose) what it cannot represent.
            if (ascii_lowercase(value) != "utf8mb4")
                bad_url(t.redacted, "charset must be utf8mb4: sluice binds and reads text as UTF-8 (the tables may "
                                    "use any character set; the server converts)");
        } else {
            bad_url(t.redacted, "unknown option " + shown_key(key) +
                                    " (known: ssl_mode, ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, tls_version, "
                                    "connect_timeout, read_timeout, write_timeout, unix_socket, charset)");
        }
    });
    settle_tls(t, mode);
    return t;
}

}  // namespace sluice::detail
