// Write paths report what they did: rows matched by update() and update_in_batches(), and the
// input row at which insert_many's generated key overflowed the key's type.
#include <doctest/doctest.h>

#include <random>

#include "../oracle.hpp"

using models::User;
using sluice::col;

namespace {

struct TinyKey {
    static constexpr std::string_view table_name = "tiny_key";
    std::uint8_t id = 0;  // TINYINT UNSIGNED AUTO_INCREMENT on MariaDB; a rowid the model reads up to 255 on SQLite
    std::string label;
};

}  // namespace

TEST_CASE("update() and update_in_batches() return rows matched, changed or not") {
    std::mt19937 rng(1301);
    for (int round = 0; round < 4; ++round) {
        auto db = support::fresh<User>();
        auto users = oracle::random_users(300, static_cast<unsigned>(rng()));
        // A random part of the rows already holds the value the updates write: matched, not changed.
        for (User& u : users)
            if (rng() % 3 == 0) u.bio = "same";
        db.insert_many(users);
        const std::int32_t below = static_cast<std::int32_t>(5 + rng() % 10);
        const auto matched = oracle::filtered(users, [&](const User& u) { return u.age < below; });
        const auto unchanged = oracle::filtered(matched, [](const User& u) { return u.bio == "same"; });
        REQUIRE(!unchanged.empty());
        REQUIRE(unchanged.size() < matched.size());  // so that "changed" and "matched" differ
        CAPTURE(below);
        const auto q = db.query<User>().where(col(&User::age) < below);
        if (round % 2 == 0) {
            CHECK(q.update(sluice::set(&User::bio, "same")) == matched.size());
        } else {
            std::uint64_t reported = 0;
            const std::size_t batch = 1 + rng() % 40;
            CHECK(q.update_in_batches(batch, {.on_batch = [&](const sluice::batch_progress& p) { reported = p.rows_so_far; }},
                                      sluice::set(&User::bio, "same")) == matched.size());
            CHECK(reported == matched.size());
        }
        CHECK(db.query<User>().where(col(&User::bio) == "same").count() ==
              matched.size() + oracle::filtered(users, [&](const User& u) { return u.age >= below && u.bio == "same"; }).size());
        // Run again: every row is matched, none changes.
        CHECK(q.update_in_batches(50, sluice::set(&User::bio, "same")) == matched.size());
    }
}

TEST_CASE("insert_many names the input row whose generated key overflows the key's type; nothing is written") {
    std::mt19937 rng(1302);
    for (int round = 0; round < 8; ++round) {
        // Generated keys continue after the greatest key: start them at a random point.
        const int start = 2 + static_cast<int>(rng() % 200);
        const int room = 255 - start;  // rows whose generated key still fits
        const std::size_t rows = static_cast<std::size_t>(room + 1 + static_cast<int>(rng() % 60));
        // One row in the input brings its own key (below the seed): it takes no generated key.
        const std::size_t explicit_at = rng() % rows;
        std::vector<TinyKey> input;
        for (std::size_t i = 0; i < rows; ++i) input.push_back({std::uint8_t{0}, "r" + std::to_string(i)});
        input[explicit_at].id = 1;
        const std::size_t expected = static_cast<std::size_t>(room) + (explicit_at <= static_cast<std::size_t>(room) ? 1 : 0);
        const std::size_t chunks[] = {1, 3, 50, 1000};
        const std::size_t chunk = chunks[rng() % std::size(chunks)];
        std::vector<std::int64_t> ids;
        const bool with_ids = round % 2 == 1;
        CAPTURE(start);
        CAPTURE(explicit_at);
        CAPTURE(chunk);
        CAPTURE(with_ids);
        REQUIRE(expected < rows);
        auto seeded = [&] {
            auto db = support::fresh<TinyKey>();
            TinyKey seed{static_cast<std::uint8_t>(start), "seed"};
            db.insert(seed);
            return db;
        };
        {
            auto db = seeded();
            try {
                db.insert_many(input, {.chunk_rows = chunk, .ids = with_ids ? &ids : nullptr});
                FAIL("key " << start + static_cast<int>(rows) << " cannot fit an 8-bit unsigned key");
            } catch (const sluice::error& e) {
                const std::string m = e.what();
                CAPTURE(m);
                CHECK(m.find("tiny_key: insert_many failed at row " + std::to_string(expected) +
                             " of the input; nothing of this call was written") != std::string::npos);
            }
            CHECK(db.query<TinyKey>().count() == 1);
            CHECK(ids.empty());  // a failed call reports no keys
        }
        // The rows before it fit exactly: the last one takes key 255. (Not on the same table: a
        // failed MariaDB statement keeps the AUTO_INCREMENT values it reserved.)
        auto db = seeded();
        input.resize(expected);
        CHECK(db.insert_many(input, {.chunk_rows = chunk, .ids = with_ids ? &ids : nullptr}) == expected);
        CHECK(db.query<TinyKey>().count() == expected + 1);
        const auto top = db.query<TinyKey>().order_by(sluice::desc(&TinyKey::id)).first();
        REQUIRE(top);
        CHECK(int{top->id} == 255);
        if (with_ids) {
            REQUIRE(ids.size() == expected);
            CHECK(ids.back() == (explicit_at + 1 == expected ? 1 : 255));
        }
    }
}
