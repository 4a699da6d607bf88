// The differential tester's models, their hand-written MariaDB DDL and their seeded random rows.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <sluice/sluice.hpp>

namespace diff {

using rng_t = std::mt19937_64;

inline std::size_t pick(rng_t& rng, std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
inline bool chance(rng_t& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
template <class C> const auto& pick_of(rng_t& rng, const C& c) { return c[pick(rng, std::size(c))]; }

// int64 auto-increment key; duplicate-heavy text, long shared prefixes, NULLs, bool, datetime.
struct DiffAuto {
    static constexpr std::string_view table_name = "diff_auto";
    static constexpr std::array<std::string_view, 5> indexes{"name", "tag", "note", "bucket,name", "score"};
    // Values of 250-400 code points: longer than the VARCHAR(255) create_table gives indexed text.
    static constexpr sluice::column_option columns[] = {
        {.field = "name", .sql_type = "VARCHAR(500)"},
        {.field = "tag", .sql_type = "VARCHAR(500)"},
        {.field = "note", .sql_type = "VARCHAR(500)"},
    };
    std::int64_t id = 0;
    std::string name;                  // few distinct values, LIKE metacharacters
    std::string tag;                   // long shared prefixes
    std::optional<std::string> note;   // nullable, long shared prefixes
    std::optional<std::int32_t> score; // nullable, extremes
    std::int32_t bucket = 0;           // four distinct values
    bool flag = false;
    sluice::datetime at{};
    bool operator==(const DiffAuto&) const = default;
};

// Composite key (int64, text); the text half has long shared prefixes.
struct DiffComposite {
    static constexpr std::string_view table_name = "diff_composite";
    static constexpr std::array<std::string_view, 2> primary_key{"grp", "code"};
    static constexpr std::array<std::string_view, 4> indexes{"label", "code", "maybe,label", "extra"};
    std::int64_t grp = 0;
    std::string code;
    std::string label;                 // few distinct values
    std::optional<std::int32_t> maybe;
    std::optional<std::string> extra;
    bool flag = false;
    std::int64_t big = 0;              // compared with grp
    bool operator==(const DiffComposite&) const = default;
};

// A text primary key, long shared prefixes included.
struct DiffTextKey {
    static constexpr std::string_view table_name = "diff_text_key";
    static constexpr std::array<std::string_view, 1> primary_key{"skey"};
    static constexpr std::array<std::string_view, 3> indexes{"alt", "word", "rank,alt"};
    std::string skey;
    std::optional<std::string> alt;    // nullable, long shared prefixes
    std::string word;                  // few distinct values
    std::int32_t rank = 0;
    sluice::datetime at{};
    std::optional<std::int32_t> maybe;
    bool operator==(const DiffTextKey&) const = default;
};

// --- random values ------------------------------------------------------------------------

// Per-case pools, so that values repeat (ties, equal prefixes) within a case.
struct text_profile {
    std::vector<std::string> prefixes;  // 250-400 repeated code points
    std::vector<std::string> few;       // the duplicate-heavy columns' values
    bool nul = true;                    // NUL bytes are ordinary characters
};

inline std::string atom(rng_t& rng, bool nul) {
    static const char* const atoms[] = {"a", "b", "c", "A", "B", "z", "0", " ", "  ", "_", "%", "\\", "\xc3\xa9" /* é */,
                                        "\xe2\x82\xac" /* € */, "\xf0\x9f\x98\x80" /* 😀 */, "\xf0\x9f\xa6\x80" /* 🦀 */,
                                        "x", "ab", "\t", "'", "\x7f"};
    if (nul && chance(rng, 0.02)) return std::string(1, '\0');
    return pick_of(rng, atoms);
}

inline std::string short_text(rng_t& rng, const text_profile& p, std::size_t max_atoms = 5) {
    std::string s;
    const std::size_t n = pick(rng, max_atoms + 1);
    for (std::size_t i = 0; i < n; ++i) s += atom(rng, p.nul);
    if (chance(rng, 0.1)) s += ' ';  // trailing space: distinct from the same text without it
    return s;
}

// Drops the last k code points.
inline std::string drop_code_points(std::string s, std::size_t k) {
    while (k-- > 0 && !s.empty()) {
        std::size_t i = s.size() - 1;
        while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
        s.resize(i);
    }
    return s;
}

inline std::string long_text(rng_t& rng, const text_profile& p) {
    std::string s = pick_of(rng, p.prefixes);
    if (chance(rng, 0.3)) s = drop_code_points(std::move(s), pick(rng, 3));  // one a prefix of another
    return s + short_text(rng, p, 3);
}

// long_prefixes: shared prefixes of 250-400 code points (with the suffix, within the hand-made
// tables' VARCHAR(500)); else of 12-40, for the contracts that are not about long text.
inline text_profile make_profile(rng_t& rng, bool nul, bool long_prefixes = true) {
    static const char* const fill[] = {"x", "\xc3\xa9", "\xf0\x9f\x98\x80", "a "};
    text_profile p;
    p.nul = nul;
    for (int i = 0; i < 2; ++i) {
        const std::string c = pick_of(rng, fill);
        const std::size_t length = long_prefixes ? 250 + pick(rng, 151) : 12 + pick(rng, 29);
        const std::size_t unit = c == "a " ? 2 : 1, n = length / unit;
        std::string s;
        for (std::size_t k = 0; k < n; ++k) s += c;
        p.prefixes.push_back(std::move(s));
    }
    p.prefixes.push_back(p.prefixes[0] + "y");  // shares all of the first one
    const std::size_t few = 2 + pick(rng, 3);
    for (std::size_t i = 0; i < few; ++i) p.few.push_back(i == 0 ? std::string() : short_text(rng, p, 3));
    if (chance(rng, 0.3)) p.few.push_back(long_text(rng, p));
    return p;
}

// Mixes the kinds of text: empty, short with metacharacters, the few, long shared prefixes.
inline std::string any_text(rng_t& rng, const text_profile& p, double long_share) {
    const double r = std::uniform_real_distribution<double>(0, 1)(rng);
    if (r < long_share) return long_text(rng, p);
    if (r < long_share + 0.25) return pick_of(rng, p.few);
    if (r < long_share + 0.32) return {};
    return short_text(rng, p);
}

inline std::int32_t some_int32(rng_t& rng) {
    static const std::int32_t extremes[] = {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(), -1, 0};
    if (chance(rng, 0.1)) return pick_of(rng, extremes);
    return static_cast<std::int32_t>(pick(rng, 7)) - 3;
}

inline std::int64_t some_int64(rng_t& rng) {
    static const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                                            -1, 1'000'000'000'000'000};
    if (chance(rng, 0.1)) return pick_of(rng, extremes);
    return static_cast<std::int64_t>(pick(rng, 5)) - 1;
}

inline sluice::datetime some_datetime(rng_t& rng) {
    using namespace std::chrono;
    static const sluice::datetime few[] = {sys_days{year{2020} / 1 / 1} + microseconds{0},
                                           sys_days{year{2020} / 1 / 1} + microseconds{1},
                                           sys_days{year{1999} / 12 / 31} + hours{23} + minutes{59} + seconds{59} + microseconds{999999}};
    if (chance(rng, 0.5)) return pick_of(rng, few);
    const auto day = sys_days{year{1970} / 1 / 1} + days{static_cast<int>(pick(rng, 47000))};
    return day + microseconds{static_cast<std::int64_t>(pick(rng, 86'400'000'000ull))};
}

// --- per-model traits: member pointers in declaration order, DDL, rows ---------------------

template <class T> struct traits;

template <> struct traits<DiffAuto> {
    static constexpr std::string_view model = "DiffAuto";
    static constexpr auto members = std::tuple{&DiffAuto::id, &DiffAuto::name, &DiffAuto::tag, &DiffAuto::note,
                                               &DiffAuto::score, &DiffAuto::bucket, &DiffAuto::flag, &DiffAuto::at};
    static constexpr std::array<std::string_view, 8> names{"id", "name", "tag", "note", "score", "bucket", "flag", "at"};
    static constexpr bool text_key = false;  // create_table handles it on both backends
    static std::vector<std::string> mariadb_ddl() { return {}; }

    static DiffAuto row(rng_t& rng, const text_profile& p) {
        DiffAuto r;
        r.name = chance(rng, 0.7) ? pick_of(rng, p.few) : short_text(rng, p);
        r.tag = any_text(rng, p, 0.5);
        if (!chance(rng, 0.25)) r.note = any_text(rng, p, 0.4);
        if (!chance(rng, 0.25)) r.score = some_int32(rng);
        r.bucket = static_cast<std::int32_t>(pick(rng, 4));
        r.flag = chance(rng, 0.5);
        r.at = some_datetime(rng);
        return r;
    }
    // Unique keys: either all generated by the database (0) or explicit gappy ones.
    static std::vector<DiffAuto> rows(rng_t& rng, const text_profile& p, std::size_t n) {
        std::vector<DiffAuto> out;
        const bool explicit_ids = chance(rng, 0.3);
        std::set<std::int64_t> used;
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(row(rng, p));
            if (explicit_ids) {
                std::int64_t id;
                do id = 1 + static_cast<std::int64_t>(pick(rng, 1'000'000'000'000)); while (!used.insert(id).second);
                out.back().id = id;
            }
        }
        return out;
    }
};

// VARCHAR(500) utf8mb4_nopad_bin text: create_table's MEDIUMTEXT cannot be part of a key.
#define DIFF_TEXT "VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"

template <> struct traits<DiffComposite> {
    static constexpr std::string_view model = "DiffComposite";
    static constexpr auto members = std::tuple{&DiffComposite::grp,   &DiffComposite::code, &DiffComposite::label,
                                               &DiffComposite::maybe, &DiffComposite::extra, &DiffComposite::flag,
                                               &DiffComposite::big};
    static constexpr std::array<std::string_view, 7> names{"grp", "code", "label", "maybe", "extra", "flag", "big"};
    static constexpr bool text_key = true;
    static std::vector<std::string> mariadb_ddl() {
        return {"DROP TABLE IF EXISTS `diff_composite`",
                "CREATE TABLE `diff_composite` (`grp` BIGINT NOT NULL, `code` " DIFF_TEXT " NOT NULL, `label` " DIFF_TEXT
                " NOT NULL, `maybe` INT NULL, `extra` " DIFF_TEXT " NULL, `flag` TINYINT(1) NOT NULL, `big` BIGINT NOT NULL, "
                "PRIMARY KEY (`grp`, `code`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
                "CREATE INDEX `ix_diff_composite_label` ON `diff_composite` (`label`)",
                "CREATE INDEX `ix_diff_composite_code` ON `diff_composite` (`code`)",
                "CREATE INDEX `ix_diff_composite_maybe_label` ON `diff_composite` (`maybe`, `label`)",
                "CREATE INDEX `ix_diff_composite_extra` ON `diff_composite` (`extra`)"};
    }
    static DiffComposite row(rng_t& rng, const text_profile& p) {
        DiffComposite r;
        r.grp = some_int64(rng);
        r.code = any_text(rng, p, 0.4);
        r.label = chance(rng, 0.7) ? pick_of(rng, p.few) : short_text(rng, p);
        if (!chance(rng, 0.3)) r.maybe = some_int32(rng);
        if (!chance(rng, 0.3)) r.extra = any_text(rng, p, 0.3);
        r.flag = chance(rng, 0.5);
        r.big = some_int64(rng);
        return r;
    }
    static std::vector<DiffComposite> rows(rng_t& rng, const text_profile& p, std::size_t n) {
        std::vector<DiffComposite> out;
        std::set<std::pair<std::int64_t, std::string>> used;
        for (int tries = 0; out.size() < n && tries < 100000; ++tries) {
            DiffComposite r = row(rng, p);
            if (used.insert({r.grp, r.code}).second) out.push_back(std::move(r));
        }
        return out;
    }
};

template <> struct traits<DiffTextKey> {
    static constexpr std::string_view model = "DiffTextKey";
    static constexpr auto members = std::tuple{&DiffTextKey::skey, &DiffTextKey::alt, &DiffTextKey::word,
                                               &DiffTextKey::rank, &DiffTextKey::at,  &DiffTextKey::maybe};
    static constexpr std::array<std::string_view, 6> names{"skey", "alt", "word", "rank", "at", "maybe"};
    static constexpr bool text_key = true;
    static std::vector<std::string> mariadb_ddl() {
        return {"DROP TABLE IF EXISTS `diff_text_key`",
                "CREATE TABLE `diff_text_key` (`skey` " DIFF_TEXT " NOT NULL, `alt` " DIFF_TEXT " NULL, `word` " DIFF_TEXT
                " NOT NULL, `rank` INT NOT NULL, `at` DATETIME(6) NOT NULL, `maybe` INT NULL, PRIMARY KEY (`skey`)) "
                "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
                "CREATE INDEX `ix_diff_text_key_alt` ON `diff_text_key` (`alt`)",
                "CREATE INDEX `ix_diff_text_key_word` ON `diff_text_key` (`word`)",
                "CREATE INDEX `ix_diff_text_key_rank_alt` ON `diff_text_key` (`rank`, `alt`)"};
    }
    static DiffTextKey row(rng_t& rng, const text_profile& p) {
        DiffTextKey r;
        r.skey = any_text(rng, p, 0.45);
        if (!chance(rng, 0.3)) r.alt = any_text(rng, p, 0.4);
        r.word = chance(rng, 0.7) ? pick_of(rng, p.few) : short_text(rng, p);
        r.rank = static_cast<std::int32_t>(pick(rng, 3));
        r.at = some_datetime(rng);
        if (!chance(rng, 0.3)) r.maybe = some_int32(rng);
        return r;
    }
    static std::vector<DiffTextKey> rows(rng_t& rng, const text_profile& p, std::size_t n) {
        std::vector<DiffTextKey> out;
        std::set<std::string> used;
        for (int tries = 0; out.size() < n && tries < 100000; ++tries) {
            DiffTextKey r = row(rng, p);
            if (used.insert(r.skey).second) out.push_back(std::move(r));
        }
        return out;
    }
};

#undef DIFF_TEXT

}  // namespace diff
