// Resume tokens: "sk2.<query fingerprint>.<rows so far>.<key values>" (values tagged and hex
// encoded, so a token is plain ASCII, safe in logs, URLs and job tables).
#include "query/token.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>

#include <sluice/error.hpp>


namespace sluice::detail {
namespace {

// FNV-1a: a stable hash, so tokens survive restarts and rebuilds.
struct fnv1a {
    std::uint64_t h = 1469598103934665603ULL;
    void add(std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
        h *= 1099511628211ULL;
    }
};

void encode_value(std::string& out, const value_ref& v);

// The filter tree itself, every value in its exact tagged encoding: rendered SQL would hide
// differences a log rendering drops (control characters, the digits of a double).
void add_node(fnv1a& f, const expr_node& n) {
    std::string node = std::to_string(static_cast<int>(n.op)) + "/" + std::to_string(n.column) + "/" +
                       std::to_string(n.other_column) + "/" + std::to_string(n.values.size()) + "/" +
                       std::to_string(n.children.size());
    // Model slots only where a join names them: single-model fingerprints stay as they were.
    if (n.model || n.other_model) node += "@" + std::to_string(n.model) + ":" + std::to_string(n.other_model);
    f.add(node);
    for (const value& v : n.values) {
        std::string encoded;
        encode_value(encoded, as_ref(v));
        f.add(encoded);
    }
    for (const expr_node& child : n.children) add_node(f, child);
}

}  // namespace

// Identifies "the same query" for tokens: table, filters with their values, order.
std::string fingerprint(const query_spec& q, std::string_view extra) {
    fnv1a f;
    if (!extra.empty()) f.add(extra);
    f.add(q.table->name);
    if (q.filter) add_node(f, *q.filter);
    for (const order_term& o : q.order)
        f.add(std::to_string(o.column) + (o.descending ? "d" : "a") + (o.model ? "@" + std::to_string(o.model) : ""));
    for (const join_clause& j : q.joins) {
        f.add(std::string(j.left ? "left join " : "join ") + std::string(j.table->name));
        if (j.on) add_node(f, *j.on);
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(f.h));
    return out;
}

namespace {

const char hex_digits[] = "0123456789abcdef";

void append_hex(std::string& out, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        out += hex_digits[bytes[i] >> 4];
        out += hex_digits[bytes[i] & 15];
    }
}

bool parse_hex(std::string_view in, std::string& out) {
    if (in.size() % 2) return false;
    out.clear();
    for (std::size_t i = 0; i < in.size(); i += 2) {
        auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
        const int hi = nibble(in[i]), lo = nibble(in[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
    }
    return true;
}

void encode_value(std::string& out, const value_ref& v) {
    std::visit(
        [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, null_t>) out += 'n';
            else if constexpr (std::is_same_v<X, std::int64_t>) out += 'i' + std::to_string(x);
            else if constexpr (std::is_same_v<X, std::uint64_t>) out += 'u' + std::to_string(x);
            else if constexpr (std::is_same_v<X, double>) {
                out += 'f';
                append_hex(out, &x, sizeof x);
            } else if constexpr (std::is_same_v<X, std::string_view>) {
                out += 's';
                append_hex(out, x.data(), x.size());
            } else if constexpr (std::is_same_v<X, std::span<const std::byte>>) {
                out += 'b';
                append_hex(out, x.data(), x.size());
            } else if constexpr (std::is_same_v<X, datetime>) out += 't' + std::to_string(x.time_since_epoch().count());
            else if constexpr (std::is_same_v<X, date>) out += 'd' + std::to_string(x.time_since_epoch().count());
            else {
                static_assert(std::is_same_v<X, sluice::decimal>);
                out += 'm';  // its digits, hex like text: a token's own separators never occur
                const std::string digits = x.to_string();
                append_hex(out, digits.data(), digits.size());
            }
        },
        v);
}

template <class N> bool parse_number(std::string_view s, N& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

bool decode_value(std::string_view in, value& out) {
    if (in.empty()) return false;
    const std::string_view body = in.substr(1);
    std::string bytes;
    switch (in[0]) {
    case 'n': out = null_t{}; return body.empty();
    case 'i': { std::int64_t v; if (!parse_number(body, v)) return false; out = v; return true; }
    case 'u': { std::uint64_t v; if (!parse_number(body, v)) return false; out = v; return true; }
    case 'f': {
        double v;
        if (!parse_hex(body, bytes) || bytes.size() != sizeof v) return false;
        std::memcpy(&v, bytes.data(), sizeof v);
        out = v;
        return true;
    }
    case 's': if (!parse_hex(body, bytes)) return false; out = std::move(bytes); return true;
    case 'b': {
        if (!parse_hex(body, bytes)) return false;
        blob b(bytes.size());
        std::memcpy(b.data(), bytes.data(), bytes.size());
        out = std::move(b);
        return true;
    }
    case 't': { std::int64_t v; if (!parse_number(body, v)) return false; out = datetime{std::chrono::microseconds{v}}; return true; }
    case 'd': { std::int32_t v; if (!parse_number(body, v)) return false; out = date{std::chrono::days{v}}; return true; }
    case 'm': {
        sluice::decimal v;
        if (!parse_hex(body, bytes) || !sluice::decimal::parse(bytes, v)) return false;
        out = v;
        return true;
    }
    default: return false;
    }
}

}  // namespace

std::string encode_token(std::string_view fingerprint, std::span<const value_ref> key, std::uint64_t rows) {
    std::string token = "sk2." + std::string(fingerprint) + "." + std::to_string(rows) + ".";
    if (key.empty()) return token + "-";
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i) token += '~';
        encode_value(token, key[i]);
    }
    return token;
}

void decode_token(std::string_view token, const query_spec& q, std::string_view fingerprint, std::size_t key_columns,
                  std::vector<value>& key, std::uint64_t& rows) {
    auto reject = [&](std::string_view why) {
        throw error("sluice: " + std::string(q.table->name) + ": cannot resume from this token: " + std::string(why));
    };
    std::vector<std::string_view> parts;
    std::string_view rest = token;
    for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos && parts.size() < 3; rest.remove_prefix(dot + 1))
        parts.push_back(rest.substr(0, dot));
    parts.push_back(rest);
    if (parts.size() == 4 && parts[0] == "sk1")
        reject("it was made by an earlier sluice, whose query fingerprints differ: restart the scan");
    if (parts.size() != 4 || parts[0] != "sk2") reject("not a sluice resume token");
    if (parts[1] != fingerprint) reject("it belongs to a different query (table, filters or order differ)");
    if (!parse_number(parts[2], rows)) reject("malformed row count");
    key.clear();
    if (parts[3] == "-") return;
    std::string_view values = parts[3];
    while (true) {
        const std::size_t sep = values.find('~');
        value v;
        if (!decode_value(values.substr(0, sep), v)) reject("malformed key value");
        key.push_back(std::move(v));
        if (sep == std::string_view::npos) break;
        values.remove_prefix(sep + 1);
    }
    if (key.size() != key_columns) reject("its key has the wrong number of columns");
}

}  // namespace sluice::detail
