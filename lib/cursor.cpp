// The keyset pager: one bounded SELECT per page, positioned by the last row's key values.
#include <sluice/cursor.hpp>
#include <sluice/error.hpp>

#include <charconv>
#include <cstring>

#include "render.hpp"
#include "render_query.hpp"
#include "session_impl.hpp"

namespace sluice::detail {
namespace {

std::string table_context(const query_spec& q) { return "sluice: " + std::string(q.table->name) + ": "; }

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

// Identifies "the same query" for tokens: table, filters with their values, order.
std::string fingerprint(const query_spec& q) {
    fnv1a f;
    f.add(q.table->name);
    if (q.filter) {
        rendered r;
        render_expr(sqlite_dialect(), *q.table, *q.filter, r);
        f.add(r.sql);
        for (const value_ref& v : r.params) f.add(describe(v, 1 << 20));
    }
    for (const order_term& o : q.order) f.add(std::to_string(o.column) + (o.descending ? "d" : "a"));
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(f.h));
    return out;
}

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
            else out += 'd' + std::to_string(x.time_since_epoch().count());
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
    default: return false;
    }
}

// Copies a field's value into the stored key, reusing the string's capacity.
void store(value& dst, const value_ref& src) {
    std::visit(
        [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string_view>) {
                if (auto* s = std::get_if<std::string>(&dst)) s->assign(x.data(), x.size());
                else dst.emplace<std::string>(x);
            } else if constexpr (std::is_same_v<X, std::span<const std::byte>>) {
                if (auto* b = std::get_if<blob>(&dst)) b->assign(x.begin(), x.end());
                else dst.emplace<blob>(x.begin(), x.end());
            } else {
                dst = x;
            }
        },
        src);
}

}  // namespace

struct pager::state {
    session* owner;
    query_spec spec;
    std::size_t page_size;
    std::vector<order_term> terms;
    std::string fingerprint;
    std::vector<value> last_key;   // key of the last row of the last page; empty before the first
    std::uint64_t rows_read = 0;   // including the current page
    std::size_t page_rows = 0;
    bool exhausted = false;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    std::string encode(std::span<const value_ref> key, std::uint64_t rows) const {
        std::string token = "sk1." + fingerprint + "." + std::to_string(rows) + ".";
        if (key.empty()) return token + "-";
        for (std::size_t i = 0; i < key.size(); ++i) {
            if (i) token += '~';
            encode_value(token, key[i]);
        }
        return token;
    }

    void resume_from(const std::string& token) {
        auto reject = [&](std::string_view why) {
            throw error(table_context(spec) + "cannot resume from this token: " + std::string(why));
        };
        std::vector<std::string_view> parts;
        std::string_view rest = token;
        for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos && parts.size() < 3; rest.remove_prefix(dot + 1))
            parts.push_back(rest.substr(0, dot));
        parts.push_back(rest);
        if (parts.size() != 4 || parts[0] != "sk1") reject("not a sluice resume token");
        if (parts[1] != fingerprint) reject("it belongs to a different query (table, filters or order differ)");
        if (!parse_number(parts[2], rows_read)) reject("malformed row count");
        if (parts[3] == "-") return;
        std::string_view values = parts[3];
        last_key.clear();
        while (true) {
            const std::size_t sep = values.find('~');
            value v;
            if (!decode_value(values.substr(0, sep), v)) reject("malformed key value");
            last_key.push_back(std::move(v));
            if (sep == std::string_view::npos) break;
            values.remove_prefix(sep + 1);
        }
        if (last_key.size() != terms.size()) reject("its key has the wrong number of columns");
    }
};

pager::pager(session& s, query_spec spec, std::size_t page_size) : state_(std::make_unique<state>()) {
    state& st = *state_;
    st.owner = &s;
    st.spec = std::move(spec);
    st.page_size = page_size;
    const query_spec& q = st.spec;
    if (page_size == 0) throw error(table_context(q) + "yield_per/batches need a page size of at least 1");
    if (q.offset)
        throw error(table_context(q) + "offset() cannot be combined with yield_per/batches: keyset pages replace "
                                       "OFFSET (to start part-way, resume from a token)");
    for (const order_term& o : q.order) {
        const column_info& c = q.table->columns[o.column];
        if (c.kind == column_kind::float32 || c.kind == column_kind::float64)
            throw error(table_context(q) + "yield_per/batches cannot order by " + std::string(c.name) + " (" +
                        std::string(to_string(c.kind)) +
                        "): keyset pages need exact equality on order keys; order by an integer, text, date or "
                        "datetime column");
    }
    st.terms = keyset_terms(q);
    st.fingerprint = fingerprint(q);
    if (q.resume) st.resume_from(*q.resume);
    if (q.limit && st.rows_read >= *q.limit) st.exhausted = true;
}

pager::pager(pager&&) noexcept = default;
pager& pager::operator=(pager&&) noexcept = default;
pager::~pager() = default;

std::size_t pager::next_page(function_ref<void*(std::size_t)> slot) {
    state& st = *state_;
    st.page_rows = 0;
    if (st.exhausted) return 0;
    std::uint64_t request = st.page_size;
    if (st.spec.limit) request = std::min<std::uint64_t>(request, *st.spec.limit - st.rows_read);

    session_impl& impl = st.owner->impl();
    const table_info& t = *st.spec.table;
    const rendered sql = render_page(impl.sql(), st.spec, st.terms, st.last_key, request);

    std::size_t rows = 0;
    impl.run(sql.sql, sql.params, [&](row_reader& row) { read_object(t, row, slot(rows++), 0); });

    if (rows > 0) {
        const void* last = slot(rows - 1);
        st.last_key.resize(st.terms.size());
        for (std::size_t i = 0; i < st.terms.size(); ++i) store(st.last_key[i], field_ref(t.columns[st.terms[i].column], last));
    }
    st.page_rows = rows;
    st.rows_read += rows;
    if (rows < request || (st.spec.limit && st.rows_read >= *st.spec.limit)) st.exhausted = true;
    return rows;
}

resume_token pager::token_after(const void* row, std::uint64_t rows_handed_out) const {
    const state& st = *state_;
    std::vector<value_ref> key;
    key.reserve(st.terms.size());
    for (const order_term& o : st.terms) key.push_back(field_ref(st.spec.table->columns[o.column], row));
    return st.encode(key, rows_handed_out);
}

resume_token pager::position_token() const {
    const state& st = *state_;
    std::vector<value_ref> key;
    for (const value& v : st.last_key) key.push_back(as_ref(v));
    return st.encode(key, st.rows_read);
}

std::uint64_t pager::rows_before_page() const noexcept { return state_->rows_read - state_->page_rows; }

std::chrono::nanoseconds pager::elapsed() const noexcept { return std::chrono::steady_clock::now() - state_->started; }

}  // namespace sluice::detail
