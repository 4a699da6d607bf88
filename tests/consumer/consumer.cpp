// Built outside the tree against an installed sluice (pkg-config, static pkg-config, CMake), with
// -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror: the public surface must compile cleanly,
// link and work from the installed headers alone, its main templates instantiated.
#include <sluice/sluice.hpp>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

// A type-named table (no table_name): its snake_case name comes from the compiler's type name.
struct ConsumerNote {
    std::int64_t id = 0;
    std::string text;
    std::int32_t rank = 0;
    std::optional<std::string> tag;
    sluice::datetime at{};
    static constexpr std::array<std::string_view, 1> indexes{"rank"};
};

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            std::fprintf(stderr, "consumer: failed: %s\n", #cond);      \
            return 1;                                                   \
        }                                                               \
    } while (false)

int main() {
    static_assert(sluice::detail::snake_type_name<ConsumerNote>.view() == "consumer_note");
    sluice::session db{"sqlite://"};
    db.create_table<ConsumerNote>();
    db.verify<ConsumerNote>();

    ConsumerNote n{0, "installed", 7, "x", {}};
    db.insert(n);
    CHECK(n.id == 1);
    const auto back = db.get<ConsumerNote>(n.id);
    CHECK(back && back->text == "installed" && back->tag == "x");

    std::vector<ConsumerNote> more;
    for (std::int32_t i = 0; i < 10; ++i) more.push_back({0, std::to_string(i), i % 3, std::nullopt, {}});
    CHECK(db.insert_many(more) == 10);

    using sluice::col;
    auto q = db.query<ConsumerNote>()
                 .where(col(&ConsumerNote::rank) >= 1 && col(&ConsumerNote::tag).is_null())
                 .order_by(sluice::desc(&ConsumerNote::rank));
    std::int32_t seen = 0, last_rank = 100;
    for (const ConsumerNote& row : q.yield_per(2)) {
        CHECK(row.rank <= last_rank);
        last_rank = row.rank;
        ++seen;
    }
    CHECK(seen == 6);
    std::size_t in_batches = 0;
    for (std::span<const ConsumerNote> batch : q.batches(4)) in_batches += batch.size();
    CHECK(in_batches == 6);
    CHECK(q.count() == 6);

    const auto names = db.query<ConsumerNote>().where(col(&ConsumerNote::text) == "installed").select(
        &ConsumerNote::id, &ConsumerNote::text);
    CHECK(names.size() == 1 && std::get<1>(names[0]) == "installed");
    CHECK(db.query<ConsumerNote>().where(col(&ConsumerNote::rank) == 0).update(sluice::set(&ConsumerNote::rank, 5)) == 4);

    std::puts("consumer ok");
    return 0;
}
