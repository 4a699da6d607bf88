// Writes the server would round or truncate without an error (a DECIMAL with more fractional
// digits than its scale, a time with more fractional seconds than its column keeps) are refused
// before they are sent; the live columns' limits are looked up once per table and session.
#include <sluice/error.hpp>

#include <charconv>

#include "session/session_impl.hpp"
#include "types/ascii.hpp"
#include "types/datetime.hpp"

namespace sluice::detail {
namespace {

bool limited(const column_info& c, const dialect& d) {
    return c.kind == column_kind::decimal || (c.kind == column_kind::datetime && d.truncates_fractional_seconds());
}

// Skips spaces, then reads a number: "DECIMAL( 10 , 2 )" as well as "decimal(10,2)".
bool read_number(std::string_view text, std::size_t& at, int& out) {
    while (at < text.size() && text[at] == ' ') ++at;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), out);
    if (ec != std::errc{}) return false;
    at = static_cast<std::size_t>(end - text.data());
    while (at < text.size() && text[at] == ' ') ++at;
    return true;
}

column_limit parse_limit(std::string_view declared, bool bare_decimal_is_10_0) {
    column_limit out;
    const std::string type = ascii_lowercase(declared);
    const std::string_view head = type_head(type);
    if (head == "decimal" || head == "numeric" || head == "dec" || head == "fixed") {
        std::size_t at = head.size();
        while (at < type.size() && type[at] == ' ') ++at;
        if (at < type.size() && type[at] == '(') {
            ++at;
            int precision = 0, scale = 0;
            if (read_number(type, at, precision)) {
                if (at < type.size() && type[at] == ',') {
                    ++at;
                    if (!read_number(type, at, scale)) return out;
                }
                out.precision = precision;
                out.scale = scale;
            }
        } else if (bare_decimal_is_10_0) {
            // MariaDB: DECIMAL alone is DECIMAL(10,0). SQLite: a bare NUMERIC holds what it is given.
            out.precision = 10;
            out.scale = 0;
        }
    }
    out.fraction_digits = fractional_digits(type);
    return out;
}

}  // namespace

const std::vector<column_limit>& session_impl::limits_for(const table_info& t) {
    static const std::vector<column_limit> none;
    const auto now = std::chrono::steady_clock::now();
    auto known = column_limits_.find(&t);
    if (known == column_limits_.end() || now - known->second.at > engine_lookup_ttl) {
        model_limits limits{std::vector<column_limit>(t.columns.size()), now};
        bool found = false;
        const value_ref name{t.name};
        // MariaDB reports DECIMAL alone as decimal(10,0); SQLite keeps the declaration as written.
        const bool bare_decimal_is_10_0 = !sql().table_engine_query().empty();
        with_retries([&] {  // a catalog read, retried on a lost connection like any read
            found = false;
            guarded_run(sql().describe_columns(), std::span(&name, 1), [&](row_reader& row) {
                found = true;
                const std::string live = ascii_lowercase(row.get_text(0));
                for (std::size_t i = 0; i < t.columns.size(); ++i)
                    if (ascii_lowercase(t.columns[i].name) == live)
                        limits.by_column[i] = parse_limit(row.get_text(1), bare_decimal_is_10_0);
            }, false);
        }, [] { return std::string(); });
        // No such table (yet): nothing to check against, and nothing kept for next time.
        if (!found) return none;
        known = column_limits_.insert_or_assign(&t, std::move(limits)).first;
    }
    return known->second.by_column;
}

void check_exact_writes(session_impl& s, const table_info& t, std::span<const value_ref> params,
                        std::span<const std::size_t> param_columns, function_ref<std::string()> undone) {
    const dialect& d = s.sql();
    bool any = false;
    for (std::size_t c : param_columns) any = any || limited(t.columns[c], d);
    if (!any) return;
    const std::vector<column_limit>& limits = s.limits_for(t);
    if (limits.empty()) return;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::size_t column = param_columns[i % param_columns.size()];
        const column_limit& limit = limits[column];
        const column_info& c = t.columns[column];
        std::string problem;
        if (const auto* v = std::get_if<sluice::decimal>(&params[i]); v && limit.precision > 0 && !v->fits(limit.precision, limit.scale)) {
            problem = v->to_string() + " does not fit DECIMAL(" + std::to_string(limit.precision) + "," +
                      std::to_string(limit.scale) + ") exactly (the server would round it or refuse it)";
        } else if (const auto* tm = std::get_if<datetime>(&params[i]); tm && limited(c, d) && limit.fraction_digits >= 0) {
            long long unit = 1;
            for (int k = limit.fraction_digits; k < 6; ++k) unit *= 10;
            if (tm->time_since_epoch().count() % unit != 0)
                problem = describe(params[i]) + " has fractional seconds the column (" + std::to_string(limit.fraction_digits) +
                          " fractional digits) would drop";
        }
        if (!problem.empty())
            throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                                   std::string(to_string(c.kind)) + ")" +
                                   (params.size() > param_columns.size() ? ", row " + std::to_string(i / param_columns.size()) : "") +
                                   ": " + problem + "; " + undone());
    }
}

void throw_query_value(const table_info& t, const bind_mismatch& m) {
    throw conversion_error("sluice: " + std::string(t.name) + ": value " + std::to_string(m.index + 1) + " of the query: " + m.what);
}

void check_exact_sets(session_impl& s, const table_info& t, const std::vector<column_set>& sets, std::string_view undone) {
    std::vector<value_ref> refs;
    std::vector<std::size_t> columns;
    for (const column_set& set : sets) {
        if (set.expr) continue;  // computed by the server: see dialect::arith
        refs.push_back(as_ref(set.v));
        columns.push_back(set.column);
    }
    if (!columns.empty()) check_exact_writes(s, t, refs, columns, [&] { return std::string(undone); });
}

}  // namespace sluice::detail
