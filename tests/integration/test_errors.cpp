// Every error names the table and the column and says what was expected.
#include <doctest/doctest.h>

#include <ranges>

#include <sqlite3.h>

#include "../../lib/session/session_impl.hpp"
#include "../lazy_rows.hpp"
#include "../models.hpp"
#include "../support.hpp"

namespace {

// Two views of one table: the wide one writes values the narrow one cannot hold.
struct WideValue {
    static constexpr std::string_view table_name = "conv_values";
    std::int64_t id = 0;
    std::int64_t amount = 0;
    std::optional<std::string> note;
};
struct NarrowValue {
    static constexpr std::string_view table_name = "conv_values";
    std::int64_t id = 0;
    std::int32_t amount = 0;
    std::string note;  // not optional
};
struct UnsignedValue {
    static constexpr std::string_view table_name = "conv_values";
    std::int64_t id = 0;
    std::uint16_t amount = 0;
    std::optional<std::string> note;
};
struct DatedValue {
    static constexpr std::string_view table_name = "conv_values";
    std::int64_t id = 0;
    std::int64_t amount = 0;
    std::optional<sluice::datetime> note;
};
struct TextAmount {
    static constexpr std::string_view table_name = "conv_values";
    std::int64_t id = 0;
    std::string amount;
    std::optional<std::string> note;
};

struct ExtraTable {
    static constexpr std::string_view table_name = "verify_target";
    std::int64_t id = 0;
    std::string name;
    std::int32_t age = 0;
    std::optional<std::string> bio;
    std::string email;
};
struct VerifyActual {
    static constexpr std::string_view table_name = "verify_target";
    std::int64_t id = 0;
    std::optional<std::string> name;  // nullable where the model says NOT NULL
    std::int64_t age = 0;             // wider than the model's int32
    std::string bio;                  // NOT NULL where the model says nullable
};

struct StoredFile {
    static constexpr std::string_view table_name = "files";
    std::int64_t id = 0;
    std::string name;
    sluice::blob data;
};

// The backend's limit on one statement: MariaDB's max_allowed_packet as the server is configured;
// on SQLite, SQLITE_LIMIT_LENGTH lowered to 1 MiB on this connection to keep the values small.
std::uint64_t statement_limit(sluice::session& db) {
    if (support::is_sqlite()) {
        sqlite3_limit(static_cast<sqlite3*>(sluice::detail::session_access::impl(db).conn().native_handle()), SQLITE_LIMIT_LENGTH, 1 << 20);
        return 1 << 20;
    }
    return std::stoull(db.scalar("SELECT @@max_allowed_packet").value());
}

std::string limit_name() { return support::is_sqlite() ? "SQLITE_LIMIT_LENGTH" : "max_allowed_packet"; }

// The message of the sluice::error that `call` throws ("" when it throws none).
template <class F> std::string error_of(F call) {
    try {
        call();
    } catch (const sluice::error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a row above the statement limit is refused before it is sent; the session goes on") {
    auto db = support::fresh<StoredFile>();
    const std::uint64_t limit = statement_limit(db);
    MESSAGE(limit_name() << " = " << limit);
    StoredFile big{0, "big", sluice::blob(limit + 1, std::byte{'x'})};
    const std::string allows = "more than " + limit_name() + " (" + std::to_string(limit) + ") allows";

    std::string message = error_of([&] { db.insert(big); });
    CHECK(message.find("sluice: files.data (blob): the row needs ") == 0);
    CHECK(message.find(allows + "; nothing was written") != std::string::npos);
    CHECK(db.query<StoredFile>().count() == 0);  // the next call on the same session works

    const std::vector<StoredFile> files = {{0, "a", sluice::blob(10, std::byte{1})}, big, {0, "c", {}}};
    message = error_of([&] { db.insert_many(files); });
    CHECK(message.find("sluice: files.data (blob): row 1 of the input needs ") == 0);
    CHECK(message.find(allows + "; nothing of this call was written") != std::string::npos);
    CHECK(error_of([&] { db.upsert_many(files, {.chunk_rows = 1}); }).find("row 1 of the input") != std::string::npos);
    CHECK(db.query<StoredFile>().count() == 0);

    CHECK(error_of([&] { db.upsert(big); }).find(allows) != std::string::npos);
    StoredFile small{0, "small", sluice::blob(3, std::byte{2})};
    db.insert(small);
    big.id = small.id;
    CHECK(error_of([&] { db.update(big); }).find(allows) != std::string::npos);
    CHECK(db.get<StoredFile>(small.id)->data == small.data);
    // The same input without the big row (lazily, as a generator of the rows that fit).
    const std::vector<std::size_t> fitting{0, 2};
    CHECK(db.insert_many(support::map_iota(std::size_t{0}, fitting.size(), [&](std::size_t i) { return files[fitting[i]]; })) == 2);
    CHECK(db.query<StoredFile>().count() == 3);
}

TEST_CASE("a statement the server refuses for its size is an error, and the session works again") {
    auto db = support::fresh<StoredFile>();
    const std::uint64_t limit = statement_limit(db);
    const sluice::blob huge(limit + 1, std::byte{'y'});
    // MariaDB answers 1153 and closes the connection (or the client sees it close first: 2006).
    CHECK_THROWS_AS(db.execute("SELECT LENGTH(?)", huge), sluice::error);
    CHECK(db.query<StoredFile>().count() == 0);
    CHECK(db.scalar("SELECT 1") == "1");

    // Inside a transaction the connection, and so the transaction, is gone.
    auto tx = db.transaction();
    StoredFile doomed{0, "rolled back", {}};
    db.insert(doomed);
    CHECK_THROWS_AS(db.execute("SELECT LENGTH(?)", huge), sluice::error);
    if (!support::is_sqlite()) {
        CHECK_FALSE(db.in_transaction());
        CHECK_THROWS_AS(tx.commit(), sluice::connection_error);
        CHECK(db.query<StoredFile>().count() == 0);  // rolled back with the connection
    } else {
        tx.rollback();  // SQLite refuses the value itself; its connection and transaction go on
    }
    CHECK(db.query<StoredFile>().count() == 0);
}

TEST_CASE("a value too large for the field is a conversion_error, not a wrap") {
    auto db = support::fresh<WideValue>();
    WideValue big{0, std::int64_t{1} << 40, "n"};
    db.insert(big);
    CHECK_THROWS_WITH_AS((void)db.get<NarrowValue>(big.id),
                         doctest::Contains("conv_values.amount (int32): value 1099511627776 does not fit int32"),
                         sluice::conversion_error);
    WideValue negative{0, -5, "n"};
    db.insert(negative);
    CHECK_THROWS_WITH_AS((void)db.get<UnsignedValue>(negative.id), doctest::Contains("conv_values.amount (uint16)"),
                         sluice::conversion_error);
    WideValue fits{0, 65535, "n"};
    db.insert(fits);
    CHECK(db.get<UnsignedValue>(fits.id)->amount == 65535);
}

TEST_CASE("NULL into a non-optional field is a conversion_error naming the column") {
    auto db = support::fresh<WideValue>();
    WideValue v{0, 1, std::nullopt};
    db.insert(v);
    CHECK_THROWS_WITH_AS((void)db.get<NarrowValue>(v.id), doctest::Contains("conv_values.note (text): NULL read into a non-optional field"),
                         sluice::conversion_error);
}

TEST_CASE("text that does not parse, or the wrong type of value, is a conversion_error") {
    auto db = support::fresh<WideValue>();
    WideValue v{0, 1, "not a date"};
    db.insert(v);
    // MariaDB sends a text column as text; SQLite stores text: neither is a datetime.
    CHECK_THROWS_WITH_AS((void)db.get<DatedValue>(v.id), doctest::Contains("conv_values.note (datetime, nullable): expected"),
                         sluice::conversion_error);
    CHECK_THROWS_WITH_AS((void)db.get<TextAmount>(v.id), doctest::Contains("conv_values.amount (text): expected text, found"),
                         sluice::conversion_error);
}

TEST_CASE("an unsigned value beyond the backend's range is refused on write, naming the column") {
    auto db = support::fresh<models::AllTypes>();
    models::AllTypes v;
    v.u64 = std::numeric_limits<std::uint64_t>::max();
    if (support::is_sqlite()) {
        CHECK_THROWS_WITH_AS(db.insert(v), doctest::Contains("all_types.u64 (uint64): value 18446744073709551615 exceeds SQLite"),
                             sluice::conversion_error);
        CHECK(db.scalar("SELECT COUNT(*) FROM all_types") == "0");
    } else {
        db.insert(v);
        CHECK(db.get<models::AllTypes>(v.id)->u64 == std::numeric_limits<std::uint64_t>::max());
    }
}

TEST_CASE("a datetime outside the backend's range is refused on write") {
    auto db = support::fresh<models::User>();
    models::User u{0, "old", 1, 0, support::at(support::backend().min_year == 0 ? -1 : 999, 12, 31), std::nullopt};
    CHECK_THROWS_WITH_AS(db.insert(u), doctest::Contains("users.created_at (datetime)"), sluice::conversion_error);
}

TEST_CASE("strict mode: a value too long for its column is an error and nothing is written") {
    if (support::is_sqlite()) {
        // SQLite has no length limits on TEXT; a CHECK constraint is its way to say so.
        auto db = support::connect();
        db.execute("DROP TABLE IF EXISTS short_names");
        db.execute("CREATE TABLE short_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) <= 5))");
        CHECK_THROWS_AS(db.execute("INSERT INTO short_names (name) VALUES (?)", "much too long"), sluice::statement_error);
        CHECK(db.scalar("SELECT COUNT(*) FROM short_names") == "0");
        return;
    }
    auto db = support::connect();
    db.execute("DROP TABLE IF EXISTS short_names");
    db.execute("CREATE TABLE short_names (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(5) NOT NULL) DEFAULT CHARSET=utf8mb4");
    CHECK_THROWS_WITH_AS(db.execute("INSERT INTO short_names (name) VALUES (?)", "much too long"),
                         doctest::Contains("Data too long for column 'name'"), sluice::statement_error);
    // Invalid UTF-8 into a utf8mb4 column is refused too, not mangled.
    CHECK_THROWS_AS(db.execute("INSERT INTO short_names (name) VALUES (?)", "\xC3\x28"), sluice::statement_error);
    CHECK(db.scalar("SELECT COUNT(*) FROM short_names") == "0");
}

TEST_CASE("verify names every column that disagrees with the model") {
    auto db = support::connect();
    db.drop_table<ExtraTable>();
    CHECK_THROWS_WITH_AS(db.verify<ExtraTable>(), doctest::Contains("table verify_target does not exist"), sluice::schema_error);
    support::recreate<VerifyActual>(db);
    try {
        db.verify<ExtraTable>();
        FAIL("verify accepted a mismatching table");
    } catch (const sluice::schema_error& e) {
        const std::string m = e.what();
        CHECK(m.find("table verify_target does not match its model") != std::string::npos);
        CHECK(m.find("column name: expected") != std::string::npos);
        CHECK(m.find("column bio: expected") != std::string::npos);
        CHECK(m.find("column email: missing") != std::string::npos);
        CHECK(m.find("column id") == std::string::npos);
        if (!support::is_sqlite()) CHECK(m.find("column age: expected an integer type whose values all fit int32 (this one's do not) for field age (int32), found bigint") != std::string::npos);
    }
    db.verify<VerifyActual>();
}

TEST_CASE("a constraint violation is a statement_error and the row is not written") {
    auto db = support::fresh<models::User>();
    models::User u{7, "first", 1, 0, support::at(2024, 1, 1), std::nullopt};
    db.insert(u);
    models::User dup = u;
    dup.name = "second";
    CHECK_THROWS_AS(db.insert(dup), sluice::statement_error);
    CHECK(db.get<models::User>(7)->name == "first");
}

TEST_CASE("connection failures are connection_errors that never show the password") {
    CHECK_THROWS_WITH_AS(sluice::session("ftp://u:pw@h/db"), doctest::Contains("unknown scheme 'ftp'"), sluice::connection_error);
    try {
        sluice::session refused("mariadb://sluice:TopSecret99@127.0.0.1:1/sluice_test?connect_timeout=2");
        FAIL("connected to a closed port");
    } catch (const sluice::connection_error& e) {
        CHECK(std::string(e.what()).find("TopSecret99") == std::string::npos);
        CHECK(std::string(e.what()).find("cannot connect to mariadb://sluice:***@127.0.0.1:1/sluice_test") != std::string::npos);
    }
    if (!support::is_sqlite()) {
        // The real server, the wrong password.
        std::string url = support::backend().url;
        const auto at = url.find('@');
        const auto colon = url.find(':', url.find("://") + 3);
        url = url.substr(0, colon + 1) + "WrongHorse42" + url.substr(at);
        try {
            sluice::session denied(url);
            FAIL("connected with a wrong password");
        } catch (const sluice::connection_error& e) {
            const std::string m = e.what();
            CHECK(m.find("WrongHorse42") == std::string::npos);
            CHECK(m.find("Access denied") != std::string::npos);
        }
    } else {
        CHECK_THROWS_AS(sluice::session("sqlite:////nonexistent-dir/sub/x.db"), sluice::connection_error);
    }
}

TEST_CASE("integer overflow on write: MariaDB's strict mode refuses it; SQLite has no widths, the read catches it") {
    auto db = support::connect();
    support::recreate<NarrowValue>(db);  // amount INT
    WideValue big{0, std::int64_t{1} << 40, "n"};
    if (support::is_sqlite()) {
        db.insert(big);
        CHECK_THROWS_WITH_AS((void)db.get<NarrowValue>(big.id), doctest::Contains("conv_values.amount (int32)"), sluice::conversion_error);
    } else {
        CHECK_THROWS_WITH_AS(db.insert(big), doctest::Contains("Out of range value for column 'amount'"), sluice::statement_error);
        CHECK(db.scalar("SELECT COUNT(*) FROM conv_values") == "0");
    }
}

TEST_CASE("reading a table that lacks a model's column names the column") {
    auto db = support::connect();
    support::recreate<VerifyActual>(db);  // no `email` column (same table name as ExtraTable)
    try {
        (void)db.query<ExtraTable>().all();
        FAIL("read a column that does not exist");
    } catch (const sluice::statement_error& e) {
        CHECK(std::string(e.what()).find("email") != std::string::npos);
    }
}
