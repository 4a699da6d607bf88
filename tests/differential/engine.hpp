// The differential tester's engine: random filters and orders, their sluice form, one case's checks.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/sluice.hpp>

#include "../support.hpp"
#include "oracle.hpp"

namespace diff {

// --- the statements a case ran, for its report ----------------------------------------------

struct statement_log {
    std::deque<std::string> last;
    void add(const sluice::statement_event& e) {
        // Cut: a multi-row INSERT would drown the report.
        std::string s(e.sql.substr(0, 700));
        if (e.sql.size() > 700) s += "... (" + std::to_string(e.sql.size()) + " chars)";
        if (!e.values.empty()) {
            s += "   -- values:";
            for (std::size_t i = 0; i < e.values.size() && i < 16; ++i) s += " [" + e.values[i] + "]";
            if (e.values.size() > 16) s += " ... (" + std::to_string(e.values.size()) + " values)";
        }
        s += "   -- rows " + std::to_string(e.rows);
        last.push_back(std::move(s));
        if (last.size() > 6) last.pop_front();
    }
    std::string dump() const {
        std::string out;
        for (const std::string& s : last) out += "    " + s + "\n";
        return out;
    }
};

// --- totals ---------------------------------------------------------------------------------

struct stats {
    std::map<std::string, std::uint64_t> checks;            // per terminal
    std::map<std::string, std::uint64_t> failed;            // per terminal
    std::map<std::string, std::uint64_t> failing_cases;     // per failure class
    std::map<std::string, std::uint64_t> refusals;          // accepted sluice::error, per terminal
    std::map<std::string, std::uint64_t> cases_per_model;
    std::uint64_t cases = 0;
    std::uint64_t cases_failed = 0;            // by anything but a long text order key on MariaDB
    std::uint64_t cases_failed_long_text = 0;  // by that
    std::vector<std::string> reports;                       // the first few of each class, in full
    std::map<std::string, std::size_t> reported;

    void report(const std::string& klass, std::string text) {
        if (reported[klass]++ < 3) reports.push_back(std::move(text));
    }
    std::string first_refusal;
};

// Thrown by a failed check: ends the case.
struct case_failure {
    std::string klass;
    std::string report;
};

// What a check sorts by, to tell the one documented acceptable failure (MariaDB refusing to
// order by a long text key) from any other.
enum class sorts { nothing, query_order, primary_key };

enum class mode { core, resume_contract, like_contract, long_order_contract };

inline const char* mode_name(mode m) {
    switch (m) {
    case mode::core: return "core";
    case mode::resume_contract: return "resume-contract";
    case mode::like_contract: return "like-contract";
    case mode::long_order_contract: return "long-order-contract";
    }
    return "?";
}

inline constexpr const char* long_text_class = "contract.long_text_order";

// On MariaDB sluice refuses (sluice::error) an order by a text key holding a value the server
// cannot sort exactly: longer than max_sort_length / 4 bytes (4,096 with the 16,384 sluice
// sets), or ending in a NUL byte (under ORDER BY ... LIMIT the server ties 'A\0' with 'A').
// Such a column is "a long text key" here: a refusal is accepted, a wrong result never.
// (Through Spider the backends sort with their own default of 1024: 256 bytes of text.)
inline std::size_t mariadb_exact_text_bytes() { return support::sorts_long_text_exactly() ? 4096 : 256; }

struct config {
    std::uint64_t seed = 20260101;
    std::size_t cases = 0;
    long only_case = -1;
    bool nul = true;
};

// --- sluice forms of the oracle's filters and orders ----------------------------------------

template <class P> decltype(auto) value_of(const P& v) {
    if constexpr (unwrap<P>::nullable) return *v;
    else return (v);
}

template <class T, class C, class V> sluice::predicate<T> compare_with(const C& c, cmp op, const V& v) {
    switch (op) {
    case cmp::eq: return c == v;
    case cmp::ne: return c != v;
    case cmp::lt: return c < v;
    case cmp::le: return c <= v;
    case cmp::gt: return c > v;
    case cmp::ge: return c >= v;
    }
    throw std::logic_error("bad comparison");
}

template <class T> sluice::predicate<T> to_predicate(const filter& f, const std::vector<T>& pool) {
    if (f.kind == filter::all_of || f.kind == filter::any_of) {
        sluice::predicate<T> p = to_predicate(f.children.at(0), pool);
        for (std::size_t i = 1; i < f.children.size(); ++i)
            p = f.kind == filter::all_of ? std::move(p) && to_predicate(f.children[i], pool)
                                         : std::move(p) || to_predicate(f.children[i], pool);
        return p;
    }
    if (f.kind == filter::negate) return !to_predicate(f.children.at(0), pool);
    return with_member<T>(f.column, [&](auto m) -> sluice::predicate<T> {
        using P = decltype(m);
        using V = value_t<P>;
        constexpr bool nullable = unwrap<member_t<P>>::nullable;
        const auto c = sluice::col(m);
        auto value = [&](std::size_t i) -> const V& { return value_of(pool.at(i).*m); };
        switch (f.kind) {
        case filter::compare_value: return compare_with<T>(c, f.op, value(f.values.at(0)));
        case filter::compare_column:
            return with_member<T>(f.other, [&](auto m2) -> sluice::predicate<T> {
                if constexpr (category_of<V>() == category_of<value_t<decltype(m2)>>()) {
                    return compare_with<T>(c, f.op, sluice::col(m2));
                } else {
                    throw std::logic_error("columns of different categories");
                }
            });
        case filter::like:
            if constexpr (std::is_same_v<V, std::string>) return c.like(f.pattern);
            else throw std::logic_error("like on a non-text column");
        case filter::in: {
            std::vector<V> values;
            for (std::size_t i : f.values) values.push_back(value(i));
            return c.in(values);
        }
        case filter::between: return c.between(value(f.values.at(0)), value(f.values.at(1)));
        case filter::is_null:
        case filter::is_not_null:
            if constexpr (nullable) return f.kind == filter::is_null ? c.is_null() : c.is_not_null();
            else throw std::logic_error("is_null on a column that is not nullable");
        default: throw std::logic_error("bad filter");
        }
    });
}

template <class T> sluice::query<T> with_order(sluice::query<T> q, const std::vector<order_term>& order) {
    for (const order_term& o : order)
        q = with_member<T>(o.column, [&](auto m) { return q.order_by(o.descending ? sluice::desc(m) : sluice::asc(m)); });
    return q;
}

// --- random filters, patterns and orders ----------------------------------------------------

template <class T> struct generator {
    rng_t& rng;
    const std::vector<T>& rows;
    std::vector<T>& pool;
    const text_profile& profile;

    // A pool row whose column c holds a value (taken from the table or fresh), never NULL.
    std::size_t value(std::size_t c) {
        T r = !rows.empty() && chance(rng, 0.65) ? rows[pick(rng, rows.size())] : traits<T>::row(rng, profile);
        for (int tries = 0; tries < 20 && !field(r, c); ++tries) {
            const T other = traits<T>::row(rng, profile);
            with_member<T>(c, [&](auto m) { r.*m = other.*m; });
        }
        with_member<T>(c, [&](auto m) {
            if constexpr (unwrap<member_t<decltype(m)>>::nullable) {
                if (!(r.*m)) (r.*m).emplace();
            }
        });
        pool.push_back(std::move(r));
        return pool.size() - 1;
    }

    std::string existing_text(std::size_t c) { return field(pool[value(c)], c)->str; }

    // A valid pattern: literal text (metacharacters escaped), %, _, and the escapes \% \_ \\.
    std::string pattern(std::size_t c) {
        const double r = std::uniform_real_distribution<double>(0, 1)(rng);
        if (r < 0.2) return sluice::like_escape(existing_text(c)) + "%";
        if (r < 0.35) {
            // An existing value with some code points made wildcards.
            std::string out;
            const std::string text = existing_text(c);  // code_points() views into it
            for (std::string_view cp : code_points(text)) {
                if (chance(rng, 0.1)) out += "_";
                else if (chance(rng, 0.03)) out += "%";
                else out += sluice::like_escape(cp);
            }
            return out;
        }
        if (r < 0.45) {
            // Around a piece of an existing value.
            const std::string text = existing_text(c);
            const auto cps = code_points(text);
            std::string piece;
            if (!cps.empty()) {
                const std::size_t from = pick(rng, cps.size()), len = 1 + pick(rng, std::min<std::size_t>(4, cps.size() - from));
                for (std::size_t i = from; i < from + len; ++i) piece += cps[i];
            }
            return "%" + sluice::like_escape(piece) + (chance(rng, 0.7) ? "%" : "");
        }
        std::string out;
        const std::size_t n = pick(rng, 7);
        for (std::size_t i = 0; i < n; ++i) {
            static const char* const tokens[] = {"%", "_", "\\%", "\\_", "\\\\"};
            if (chance(rng, 0.5)) out += sluice::like_escape(atom(rng, profile.nul));
            else if (chance(rng, 0.1)) out += sluice::like_escape(long_text(rng, profile));
            else out += pick_of(rng, tokens);
        }
        return out;
    }

    std::vector<std::size_t> columns_of(category cat) {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < column_count<T>; ++i)
            if (columns<T>()[i].cat == cat) out.push_back(i);
        return out;
    }

    filter leaf() {
        const auto& cols = columns<T>();
        filter f;
        f.column = pick(rng, cols.size());
        const column_desc& c = cols[f.column];
        for (;;) {
            const std::size_t k = pick(rng, 8);
            if (k == 0 || k == 1) {
                f.kind = filter::compare_value;
                f.op = static_cast<cmp>(pick(rng, 6));
                f.values = {value(f.column)};
            } else if (k == 2) {
                f.kind = filter::compare_column;
                f.op = static_cast<cmp>(pick(rng, 6));
                f.other = pick_of(rng, columns_of(c.cat));
            } else if (k == 3) {
                if (c.cat != category::text) continue;
                f.kind = filter::like;
                f.pattern = pattern(f.column);
            } else if (k == 4) {
                f.kind = filter::in;
                const std::size_t n = pick(rng, 5);  // 0: an empty list
                for (std::size_t i = 0; i < n; ++i) f.values.push_back(value(f.column));
            } else if (k == 5) {
                f.kind = filter::between;
                f.values = {value(f.column), value(f.column)};
            } else {
                if (!c.nullable) continue;
                f.kind = k == 6 ? filter::is_null : filter::is_not_null;
            }
            return f;
        }
    }

    filter tree(int depth) {
        if (depth == 0 || chance(rng, 0.3)) return leaf();
        const std::size_t k = pick(rng, 3);
        filter f;
        if (k == 2) {
            f.kind = filter::negate;
            f.children.push_back(tree(depth - 1));
            return f;
        }
        f.kind = k == 0 ? filter::all_of : filter::any_of;
        const std::size_t n = 2 + pick(rng, 2);
        for (std::size_t i = 0; i < n; ++i) f.children.push_back(tree(depth - 1));
        return f;
    }

    // nullopt: no where() at all.
    std::optional<filter> where() {
        if (chance(rng, 0.15)) return std::nullopt;
        return tree(static_cast<int>(pick(rng, 4)));
    }

    std::vector<order_term> order() {
        std::vector<order_term> out;
        std::vector<std::size_t> free;
        for (std::size_t i = 0; i < column_count<T>; ++i) free.push_back(i);
        const std::size_t n = pick(rng, 4);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = pick(rng, free.size());
            out.push_back({free[at], chance(rng, 0.5)});
            free.erase(free.begin() + static_cast<std::ptrdiff_t>(at));
        }
        return out;
    }
};

// --- comparing results ----------------------------------------------------------------------

template <class T> std::string diff_rows(const std::vector<T>& expected, const std::vector<T>& got) {
    if (expected == got) return {};
    std::size_t i = 0;
    while (i < expected.size() && i < got.size() && expected[i] == got[i]) ++i;
    std::string s = "expected " + std::to_string(expected.size()) + " rows, got " + std::to_string(got.size()) +
                    "; first difference at row " + std::to_string(i) + ":\n      expected " +
                    (i < expected.size() ? show_row(expected[i]) : std::string("(no row)")) + "\n      got      " +
                    (i < got.size() ? show_row(got[i]) : std::string("(no row)"));
    return s;
}

template <class T> std::string diff_multiset(std::vector<T> expected, std::vector<T> got) {
    sort_by_key(expected);
    sort_by_key(got);
    const std::string d = diff_rows(expected, got);
    return d.empty() ? d : "(as multisets, by key) " + d;
}

// got must be `size` rows of expected (no order was asked for, so which ones is open).
template <class T> std::string diff_subset(const std::vector<T>& expected, const std::vector<T>& got, std::size_t size) {
    if (got.size() != size) return "expected " + std::to_string(size) + " of the matching rows, got " + std::to_string(got.size());
    std::vector<bool> used(expected.size(), false);
    for (const T& g : got) {
        bool found = false;
        for (std::size_t i = 0; i < expected.size() && !found; ++i)
            if (!used[i] && expected[i] == g) used[i] = found = true;
        if (!found) return "got a row that does not match (or is repeated): " + show_row(g);
    }
    return {};
}

// --- one case -------------------------------------------------------------------------------

template <class T> struct case_runner {
    case_runner(sluice::session& db_, statement_log& log_, stats& st_, const config& cfg_, std::size_t index_, mode md_, rng_t rng_, bool mariadb_)
        : db(db_), log(log_), st(st_), cfg(cfg_), index(index_), md(md_), rng(rng_), mariadb(mariadb_) {}

    sluice::session& db;
    statement_log& log;
    stats& st;
    const config& cfg;
    std::size_t index;
    mode md;
    rng_t rng;
    bool mariadb;

    text_profile profile;
    std::vector<T> rows;  // the oracle's table
    std::vector<T> pool;
    std::optional<filter> where;
    std::vector<order_term> order;
    std::vector<order_term> terms;  // order + key tiebreak
    std::vector<T> expected;        // matching rows, in terms order
    bool long_order = false, long_key = false;
    std::string page_note;

    std::string header() const {
        std::ostringstream s;
        s << "seed " << cfg.seed << " case " << index << " (" << mode_name(md) << ", reproduce with SLUICE_DIFF_SEED=" << cfg.seed
          << " SLUICE_DIFF_ONLY=" << index << ") model " << traits<T>::model << ", " << rows.size() << " rows, "
          << expected.size() << " match\n    where: " << (where ? show_filter(*where, pool) : std::string("(none)"))
          << "\n    order: " << show_order<T>(order) << " (effective: " << show_order<T>(terms) << ")";
        if (!page_note.empty()) s << "\n    " << page_note;
        return s.str();
    }

    // Runs one check: body returns "" or what differed. A sluice::error is a failure except for
    // a check that sorts by a long text key on MariaDB (the documented refusal).
    std::vector<std::string> soft_failures;  // classes of failed non-fatal checks

    // fatal = false: record the failure and go on (the contract sub-checks, so each is seen).
    template <class F> void check(const std::string& name, sorts by, F&& body, bool fatal = true) {
        ++st.checks[name];
        const bool long_text = mariadb && (by == sorts::query_order ? long_order : by == sorts::primary_key ? long_key : false);
        const std::string klass = long_text ? std::string(long_text_class) : name.substr(0, name.find(':'));
        std::string what;
        try {
            what = body();
        } catch (const case_failure&) {
            throw;
        } catch (const sluice::error& e) {
            if (long_text) {
                ++st.refusals[name];
                if (st.first_refusal.empty()) st.first_refusal = e.what();
                return;
            }
            what = std::string("threw sluice::error: ") + e.what();
        } catch (const std::exception& e) {
            what = std::string("threw ") + e.what();
        }
        if (what.empty()) return;
        ++st.failed[name];
        case_failure f{klass, "MISMATCH [" + klass + "] in check " + name + "\n    " + header() + "\n    " + what +
                                  "\n    last statements:\n" + log.dump()};
        if (fatal) throw f;
        st.report(klass, f.report);
        soft_failures.push_back(klass);
    }

    sluice::query<T> filtered() const {
        auto q = db.query<T>();
        return where ? q.where(to_predicate(*where, pool)) : q;
    }
    sluice::query<T> ordered() const { return with_order(filtered(), order); }

    // Some value of the column is one MariaDB cannot sort exactly (see mariadb_exact_text_bytes).
    bool is_long(std::size_t column) const {
        if (columns<T>()[column].cat != category::text) return false;
        for (const T& r : rows) {
            const oval v = field(r, column);
            if (v && (v->str.size() > mariadb_exact_text_bytes() || (!v->str.empty() && v->str.back() == '\0'))) return true;
        }
        return false;
    }

    std::vector<std::size_t> page_sizes() const {
        const std::size_t n = expected.size();
        std::set<std::size_t> s{1, 2, 3, 7, n + 1};
        if (n > 1) s.insert(n - 1);
        if (n > 0) s.insert(n);
        return {s.begin(), s.end()};
    }
    std::size_t some_page_size() {
        const auto s = page_sizes();
        return pick_of(rng, s);
    }

    void create_table() {
        if (mariadb && traits<T>::text_key) {
            for (const std::string& sql : traits<T>::mariadb_ddl()) db.execute(sql);
        } else {
            db.drop_table<T>();
            db.create_table<T>();
        }
    }

    void load() {
        static const std::size_t sizes[] = {0, 1, 2, 5, 5, 17, 40, 40, 64, 200};
        const std::size_t n = md == mode::long_order_contract ? 5 + pick(rng, 60) : pick_of(rng, sizes);
        profile = make_profile(rng, cfg.nul, md == mode::core || md == mode::long_order_contract);
        rows = traits<T>::rows(rng, profile, n);
        create_table();
        if constexpr (std::is_same_v<T, DiffAuto>) {
            std::vector<std::int64_t> ids;
            db.insert_many(rows, {.ids = &ids});
            for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = ids.at(i);
        } else {
            db.insert_many(rows);
        }
        // Fresh statistics, so that the server's plan (index range or scan) depends on the data
        // alone, not on when background statistics ran: a reported case then reproduces alone.
        if (mariadb) db.execute("ANALYZE TABLE `" + std::string(sluice::table_of<T>().name) + "`");
    }

    void plan() {
        generator<T> gen{rng, rows, pool, profile};
        where = gen.where();
        order = gen.order();
        if (md == mode::long_order_contract) {
            // Lead with a text column that holds a long value (else the key's own length decides).
            std::vector<std::size_t> long_columns;
            for (std::size_t i = 0; i < column_count<T>; ++i)
                if (is_long(i)) long_columns.push_back(i);
            if (!long_columns.empty()) {
                const std::size_t c = pick_of(rng, long_columns);
                std::erase_if(order, [&](const order_term& o) { return o.column == c; });
                order.insert(order.begin(), {c, chance(rng, 0.5)});
            }
        }
        terms = effective_order<T>(order);
        for (const order_term& o : terms) long_order = long_order || is_long(o.column);
        for (std::size_t k : primary_key<T>()) long_key = long_key || is_long(k);
        for (const T& r : rows)
            if (!where || evaluate(*where, r, pool) == tv::t) expected.push_back(r);
        sort_rows(expected, terms);
    }

    // The rows a yield_per scan hands out.
    std::vector<T> scan(const sluice::query<T>& q, std::size_t n) {
        std::vector<T> out;
        for (const T& r : q.yield_per(n)) out.push_back(r);
        return out;
    }

    std::vector<T> prefix(std::size_t from, std::size_t count) const {
        from = std::min(from, expected.size());
        count = std::min(count, expected.size() - from);
        return {expected.begin() + static_cast<std::ptrdiff_t>(from), expected.begin() + static_cast<std::ptrdiff_t>(from + count)};
    }

    // Hands out the first i rows of q.yield_per(n) and returns the token after the i-th.
    std::pair<std::string, std::vector<T>> token_after(const sluice::query<T>& q, std::size_t n, std::size_t i) {
        auto range = q.yield_per(n);
        std::vector<T> seen;
        if (i == 0) return {range.token(), seen};
        std::string token;
        for (auto it = range.begin(); it != range.end(); ++it) {
            seen.push_back(*it);
            if (seen.size() == i) {
                token = range.token();
                break;
            }
        }
        return {token, seen};
    }

    void run_core() {
        const auto q = ordered();
        const bool has_order = !order.empty();
        check("load", sorts::nothing, [&] { return diff_multiset(rows, db.query<T>().all()); });
        check("filter.count", sorts::nothing, [&] {
            const auto got = filtered().count();
            return got == expected.size() ? std::string() : "count() " + std::to_string(got) + ", expected " + std::to_string(expected.size());
        });
        check("filter.all", sorts::nothing, [&] { return diff_multiset(expected, filtered().all()); });
        check("exists", sorts::nothing, [&] {
            const bool got = q.exists();
            return got == !expected.empty() ? std::string() : "exists() " + std::string(got ? "true" : "false");
        });
        if (has_order) check("all", sorts::query_order, [&] { return diff_rows(expected, q.all()); });
        check("first", has_order ? sorts::query_order : sorts::nothing, [&] {
            const std::optional<T> got = q.first();
            if (!got) return expected.empty() ? std::string() : "first() gave nothing, expected " + show_row(expected.front());
            if (has_order) return diff_rows(prefix(0, 1), std::vector<T>{*got});
            return diff_subset(expected, std::vector<T>{*got}, expected.empty() ? 0 : 1);
        });
        {
            const std::size_t k = pick(rng, expected.size() + 2);
            page_note = "limit " + std::to_string(k);
            check("limit", has_order ? sorts::query_order : sorts::nothing, [&] {
                const auto got = q.limit(k).all();
                return has_order ? diff_rows(prefix(0, k), got) : diff_subset(expected, got, prefix(0, k).size());
            });
            const std::size_t j = pick(rng, expected.size() + 2);
            page_note = "limit " + std::to_string(k) + " offset " + std::to_string(j);
            check("limit_offset", has_order ? sorts::query_order : sorts::nothing, [&] {
                const auto got = q.limit(k).offset(j).all();
                return has_order ? diff_rows(prefix(j, k), got) : diff_subset(expected, got, prefix(j, k).size());
            });
            page_note = "offset " + std::to_string(j);
            check("offset", has_order ? sorts::query_order : sorts::nothing, [&] {
                const auto got = q.offset(j).all();
                return has_order ? diff_rows(prefix(j, expected.size()), got) : diff_subset(expected, got, prefix(j, expected.size()).size());
            });
        }
        for (std::size_t n : page_sizes()) {
            page_note = "yield_per(" + std::to_string(n) + ")";
            check("yield_per", sorts::query_order, [&] { return diff_rows(expected, scan(q, n)); });
        }
        for (int rep = 0; rep < 2; ++rep) {
            const std::size_t n = some_page_size();
            page_note = "batches(" + std::to_string(n) + ")";
            check("batches", sorts::query_order, [&] {
                std::vector<T> got;
                std::vector<std::size_t> sizes;
                for (std::span<const T> b : q.batches(n)) {
                    sizes.push_back(b.size());
                    got.insert(got.end(), b.begin(), b.end());
                }
                for (std::size_t i = 0; i < sizes.size(); ++i) {
                    if (sizes[i] == 0 || sizes[i] > n || (i + 1 < sizes.size() && sizes[i] != n)) {
                        std::string s = "batch sizes";
                        for (std::size_t z : sizes) s += " " + std::to_string(z);
                        return s + ": every batch but the last must hold exactly " + std::to_string(n) + " rows, none may be empty";
                    }
                }
                return diff_rows(expected, got);
            });
        }
        {
            const std::size_t n = some_page_size(), k = pick(rng, expected.size() + 2);
            page_note = "limit(" + std::to_string(k) + ").yield_per(" + std::to_string(n) + ")";
            check("yield_per_limit", sorts::query_order, [&] { return diff_rows(prefix(0, k), scan(q.limit(k), n)); });
        }
        check_resume_yield_per(q);
        for (std::size_t k : {1, 2, 3, 5}) {
            const std::size_t n = some_page_size();
            page_note = "partitions(" + std::to_string(k) + "), each yield_per(" + std::to_string(n) + ")";
            check("partitions", sorts::query_order, [&] {
                std::vector<T> all;
                std::string d;
                const auto parts = q.partitions(k);
                if (parts.size() != k) return "partitions(" + std::to_string(k) + ") gave " + std::to_string(parts.size()) + " parts";
                for (std::size_t p = 0; p < parts.size(); ++p) {
                    const auto got = scan(parts[p], n);
                    // Each part is the expected order restricted to its rows.
                    std::vector<T> in_order;
                    for (const T& e : expected)
                        if (std::find(got.begin(), got.end(), e) != got.end()) in_order.push_back(e);
                    if (std::string o = diff_rows(in_order, got); !o.empty()) return "part " + std::to_string(p) + " (not the expected rows in order): " + o;
                    all.insert(all.end(), got.begin(), got.end());
                }
                return diff_multiset(expected, all);
            });
        }
        extra_filters();
        page_note.clear();
        mutate();
    }

    // Filters are cheap to check: many more of them than scans, each by count() and all().
    void extra_filters() {
        generator<T> gen{rng, rows, pool, profile};
        for (int k = 0; k < 16; ++k) {
            const filter f = gen.tree(static_cast<int>(pick(rng, 3)));
            std::vector<T> want;
            for (const T& r : rows)
                if (evaluate(f, r, pool) == tv::t) want.push_back(r);
            page_note = "extra filter: " + show_filter(f, pool) + " (" + std::to_string(want.size()) + " match)";
            const auto q = db.query<T>().where(to_predicate(f, pool));
            check("filter.extra", sorts::nothing, [&] {
                const auto got = q.count();
                if (got != want.size()) return "count() " + std::to_string(got) + ", expected " + std::to_string(want.size());
                return diff_multiset(want, q.all());
            });
        }
    }

    void mutate() {
        const std::size_t n = 1 + pick(rng, std::max<std::size_t>(expected.size() + 1, 8));
        auto q = chance(rng, 0.3) ? ordered() : filtered();
        std::vector<T> after;
        if (chance(rng, 0.4)) {
            page_note = "remove_in_batches(" + std::to_string(n) + ")";
            for (const T& r : rows)
                if (where && evaluate(*where, r, pool) != tv::t) after.push_back(r);
            check("remove_in_batches", sorts::primary_key, [&] {
                const auto got = q.remove_in_batches(n);
                if (got != expected.size()) return "returned " + std::to_string(got) + ", expected " + std::to_string(expected.size()) + " (rows matched)";
                return diff_multiset(after, db.query<T>().all());
            });
            return;
        }
        // A non-key column set to a value of the case (NULL too, for a nullable column).
        std::vector<std::size_t> settable;
        for (std::size_t i = 0; i < column_count<T>; ++i)
            if (!columns<T>()[i].primary_key) settable.push_back(i);
        const std::size_t c = pick_of(rng, settable);
        generator<T> gen{rng, rows, pool, profile};
        const bool to_null = columns<T>()[c].nullable && chance(rng, 0.25);
        const std::size_t v = gen.value(c);
        page_note = "update_in_batches(" + std::to_string(n) + ", set(" + columns<T>()[c].name + ", " +
                    (to_null ? std::string("nullopt") : show_field(pool[v], c)) + "))";
        for (T r : rows) {
            if (!where || evaluate(*where, r, pool) == tv::t) {
                with_member<T>(c, [&](auto m) {
                    if constexpr (unwrap<member_t<decltype(m)>>::nullable) {
                        if (to_null) r.*m = std::nullopt;
                        else r.*m = pool[v].*m;
                    } else {
                        r.*m = pool[v].*m;
                    }
                });
            }
            after.push_back(std::move(r));
        }
        check("update_in_batches", sorts::primary_key, [&] {
            const auto got = with_member<T>(c, [&](auto m) -> std::uint64_t {
                if constexpr (unwrap<member_t<decltype(m)>>::nullable) {
                    if (to_null) return q.update_in_batches(n, sluice::set(m, std::nullopt));
                }
                return q.update_in_batches(n, sluice::set(m, value_of(pool[v].*m)));
            });
            if (got != expected.size()) return "returned " + std::to_string(got) + ", expected " + std::to_string(expected.size()) + " (rows matched)";
            return diff_multiset(after, db.query<T>().all());
        });
    }

    void run_resume_contract() {
        const auto q = ordered();
        const std::size_t n = some_page_size(), m = some_page_size(), i = pick(rng, expected.size() + 1);
        page_note = "token after row " + std::to_string(i) + " of yield_per(" + std::to_string(n) + ")";
        std::string token;
        check("resume_yield_per", sorts::query_order, [&] {
            auto [t, seen] = token_after(q, n, i);
            token = t;
            if (std::string d = diff_rows(prefix(0, i), seen); !d.empty()) return "before the token: " + d;
            return diff_rows(prefix(i, expected.size()), scan(q.resume(token), m));
        });
        check("contract.resume_all", sorts::query_order, [&] { return diff_rows(prefix(i, expected.size()), q.resume(token).all()); }, false);
        check("contract.resume_count", sorts::query_order, [&] {
            const auto got = q.resume(token).count();
            const std::size_t want = expected.size() - i;
            return got == want ? std::string() : "resume(token).count() " + std::to_string(got) + ", expected " + std::to_string(want);
        }, false);
    }

    void run_like_contract() {
        generator<T> gen{rng, rows, pool, profile};
        std::vector<std::size_t> text;
        for (std::size_t i = 0; i < column_count<T>; ++i)
            if (columns<T>()[i].cat == category::text) text.push_back(i);
        filter bad;
        bad.kind = filter::like;
        bad.column = pick_of(rng, text);
        bad.pattern = gen.pattern(bad.column) + "\\";  // a valid pattern, then a lone escape
        const std::size_t shape = pick(rng, 4);
        if (shape == 0 || !where) {
            where = bad;
        } else {
            filter f;
            f.kind = shape == 1 ? filter::all_of : shape == 2 ? filter::any_of : filter::negate;
            if (shape != 3) f.children.push_back(std::move(*where));
            f.children.push_back(std::move(bad));
            where = std::move(f);
        }
        expected.clear();
        // sluice may refuse the pattern as soon as the predicate is built, or when it runs: both
        // are the error the contract asks for, so the query is built inside each check.
        auto must_throw = [&](const std::function<void()>& run) -> std::string {
            try {
                run();
            } catch (const sluice::error&) {
                return {};
            } catch (const std::exception& e) {
                return std::string("threw something other than sluice::error: ") + e.what();
            }
            return "returned normally; a pattern ending in a lone '\\' must throw sluice::error";
        };
        check("contract.like_backslash:all", sorts::nothing, [&] { return must_throw([&] { (void)ordered().all(); }); }, false);
        check("contract.like_backslash:count", sorts::nothing, [&] { return must_throw([&] { (void)ordered().count(); }); }, false);
        check("contract.like_backslash:exists", sorts::nothing, [&] { return must_throw([&] { (void)ordered().exists(); }); }, false);
        check("contract.like_backslash:yield_per", sorts::nothing,
              [&] { return must_throw([&] { (void)scan(ordered(), some_page_size()); }); }, false);
    }

    // A token taken after a random row of one scan resumes exactly there, in another page size.
    void check_resume_yield_per(const sluice::query<T>& q) {
        const std::size_t n = some_page_size(), m = some_page_size(), i = pick(rng, expected.size() + 1);
        page_note = "token after row " + std::to_string(i) + " of yield_per(" + std::to_string(n) + "), then resume(token).yield_per(" +
                    std::to_string(m) + ")";
        check("resume_yield_per", sorts::query_order, [&] {
            auto [token, seen] = token_after(q, n, i);
            if (std::string d = diff_rows(prefix(0, i), seen); !d.empty()) return "before the token: " + d;
            return diff_rows(prefix(i, expected.size()), scan(q.resume(token), m));
        });
    }

    void run_long_order_contract() {
        // Without order_by, all() and limit() have no defined order: order by the scan's terms.
        const auto q = order.empty() ? with_order(filtered(), terms) : ordered();
        check("all", sorts::query_order, [&] { return diff_rows(expected, q.all()); });
        check("first", sorts::query_order, [&] {
            const std::optional<T> got = q.first();
            return diff_rows(prefix(0, 1), got ? std::vector<T>{*got} : std::vector<T>{});
        });
        const std::size_t k = pick(rng, expected.size() + 2), j = pick(rng, expected.size() + 2);
        page_note = "limit " + std::to_string(k) + " offset " + std::to_string(j);
        check("limit_offset", sorts::query_order, [&] { return diff_rows(prefix(j, k), q.limit(k).offset(j).all()); });
        for (std::size_t n : page_sizes()) {
            page_note = "yield_per(" + std::to_string(n) + ")";
            check("yield_per", sorts::query_order, [&] { return diff_rows(expected, scan(q, n)); });
        }
        check_resume_yield_per(q);
    }

    // The classes of the case's failures (none: it passed).
    std::vector<std::string> run() {
        try {
            load();
            plan();
            switch (md) {
            case mode::core: run_core(); break;
            case mode::resume_contract: run_resume_contract(); break;
            case mode::like_contract: run_like_contract(); break;
            case mode::long_order_contract: run_long_order_contract(); break;
            }
        } catch (const case_failure& f) {
            st.report(f.klass, f.report);
            soft_failures.push_back(f.klass);
        } catch (const std::exception& e) {
            const std::string report = "MISMATCH [setup] " + header() + "\n    threw outside a check: " + e.what() + "\n    last statements:\n" + log.dump();
            st.report("setup", report);
            soft_failures.push_back("setup");
        }
        std::sort(soft_failures.begin(), soft_failures.end());
        soft_failures.erase(std::unique(soft_failures.begin(), soft_failures.end()), soft_failures.end());
        return soft_failures;
    }
};

}  // namespace diff
