// Existing schemas as a DBA wrote them (hand-written DDL per backend): models mapped onto them with
// column options, labels and conversions; verify(), exact round trips, decimals, string keys.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "../models.hpp"
#include "../support.hpp"

using sluice::col;

enum class Rating { g, pg, pg13, r, nc17 };
template <> inline constexpr auto sluice::enum_labels<Rating> =
    std::array<std::string_view, 5>{"G", "PG", "PG-13", "R", "NC-17"};
enum class Feature { trailers, commentaries, deleted_scenes, behind_the_scenes };
template <> inline constexpr auto sluice::enum_labels<Feature> =
    std::array<std::string_view, 4>{"Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"};

// A user type stored as an integer number of cents.
struct Cents {
    std::int64_t value = 0;
    bool operator==(const Cents&) const = default;
};
template <> struct sluice::type_conversion<Cents> {
    using base_type = std::int64_t;
    static Cents from_base(const base_type& v) { return Cents{v}; }
    static base_type to_base(const Cents& c) { return c.value; }
};
// A user type stored as text (its base value lives in the binder's scratch).
struct Sku {
    std::string code;
    bool operator==(const Sku&) const = default;
};
template <> struct sluice::type_conversion<Sku> {
    using base_type = std::string;
    static Sku from_base(const base_type& v) { return Sku{v.substr(4)}; }
    static base_type to_base(const Sku& s) { return "SKU-" + s.code; }
};

namespace {

struct Film {
    static constexpr std::string_view table_name = "film";
    static constexpr std::array<std::string_view, 1> primary_key{"film_id"};
    static constexpr std::array<std::string_view, 1> unique_indexes{"name"};
    static constexpr sluice::column_option columns[] = {
        {.field = "name", .column = "title", .sql_type = "VARCHAR(128)"},
        {.field = "rating", .sql_type = "ENUM('G','PG','PG-13','R','NC-17')"},
        {.field = "features", .column = "special_features"},
        {.field = "klass", .column = "class"},
        {.field = "last_update", .sql_type = "TIMESTAMP", .server_default = true},
    };
    std::uint16_t film_id = 0;
    std::string name;
    std::optional<std::string> description;
    std::optional<std::chrono::year> release_year;
    sluice::decimal rental_rate;
    Rating rating = Rating::g;
    std::set<Feature> features;
    std::string klass;                 // a column named `class`, a reserved word
    std::uint32_t length = 0;          // MEDIUMINT UNSIGNED
    bool active = true;                // TINYINT(1) / BIT(1)
    Cents replacement_cost;            // BIGINT, through type_conversion
    std::optional<Sku> sku;            // VARCHAR, through type_conversion
    std::optional<std::string> meta;   // JSON
    sluice::datetime last_update{};
};

struct Department {
    static constexpr std::string_view table_name = "departments";
    static constexpr std::array<std::string_view, 1> primary_key{"dept_no"};
    static constexpr std::array<std::string_view, 1> unique_indexes{"dept_name"};
    std::string dept_no;
    std::string dept_name;
    bool operator==(const Department&) const = default;
};

struct DeptEmp {
    static constexpr std::string_view table_name = "dept_emp";
    static constexpr std::array<std::string_view, 2> primary_key{"emp_no", "dept_no"};
    std::int32_t emp_no = 0;
    std::string dept_no;
    sluice::date from_date{};
    sluice::date to_date{};
    bool operator==(const DeptEmp&) const = default;
};

struct Payment {
    static constexpr std::string_view table_name = "payment";
    static constexpr std::array<std::string_view, 1> primary_key{"payment_id"};
    std::int64_t payment_id = 0;
    std::int32_t customer_id = 0;
    sluice::decimal amount;
};

// Wrong models of the same tables: verify must name what is wrong.
struct FilmWrong {
    static constexpr std::string_view table_name = "film";
    static constexpr std::array<std::string_view, 1> primary_key{"film_id"};
    std::uint16_t film_id = 0;
    std::string title;
    std::int8_t length = 0;              // MEDIUMINT UNSIGNED does not fit
    std::string description;             // the column is nullable
    std::string director;                // no such column
};
struct DeptEmpWrongKey {
    static constexpr std::string_view table_name = "dept_emp";
    static constexpr std::array<std::string_view, 1> primary_key{"emp_no"};
    std::int32_t emp_no = 0;
    std::string dept_no;
    sluice::date from_date{};
    sluice::date to_date{};
};

void create_schema(sluice::session& db) {
    for (const char* t : {"dept_emp", "departments", "film", "payment", "language"}) db.execute(std::string("DROP TABLE IF EXISTS ") + t);
    if (support::is_sqlite()) {
        db.execute("CREATE TABLE language (language_id INTEGER PRIMARY KEY, name CHAR(20) NOT NULL)");
        db.execute(R"(CREATE TABLE film (
            film_id INTEGER PRIMARY KEY,
            title VARCHAR(128) NOT NULL,
            description TEXT,
            release_year YEAR,
            language_id INTEGER REFERENCES language(language_id),
            rental_rate DECIMAL(4,2) NOT NULL DEFAULT 4.99,
            rating TEXT NOT NULL DEFAULT 'G' CHECK (rating IN ('G','PG','PG-13','R','NC-17')),
            special_features TEXT NOT NULL DEFAULT '',
            "class" VARCHAR(10) NOT NULL,
            length MEDIUMINT NOT NULL,
            active BOOLEAN NOT NULL DEFAULT 1,
            replacement_cost BIGINT NOT NULL,
            sku VARCHAR(20),
            meta TEXT,
            last_update TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')))");
        db.execute("CREATE UNIQUE INDEX idx_title ON film (title)");
        db.execute("CREATE TABLE departments (dept_no CHAR(4) NOT NULL PRIMARY KEY, dept_name VARCHAR(40) NOT NULL UNIQUE)");
        db.execute("CREATE TABLE dept_emp (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL REFERENCES departments(dept_no), "
                   "from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, dept_no))");
        db.execute("CREATE TABLE payment (payment_id INTEGER PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(5,2) NOT NULL)");
    } else {
        db.execute("CREATE TABLE language (language_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                   "name CHAR(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        db.execute(R"(CREATE TABLE film (
            film_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
            title VARCHAR(128) NOT NULL,
            description TEXT DEFAULT NULL,
            release_year YEAR DEFAULT NULL,
            language_id TINYINT UNSIGNED DEFAULT NULL,
            rental_rate DECIMAL(4,2) NOT NULL DEFAULT 4.99,
            rating ENUM('G','PG','PG-13','R','NC-17') NOT NULL DEFAULT 'G',
            special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') NOT NULL DEFAULT '',
            `class` VARCHAR(10) NOT NULL,
            length MEDIUMINT UNSIGNED NOT NULL,
            active BIT(1) NOT NULL DEFAULT b'1',
            replacement_cost BIGINT NOT NULL,
            sku VARCHAR(20) DEFAULT NULL,
            meta JSON DEFAULT NULL,
            last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            PRIMARY KEY (film_id),
            UNIQUE KEY idx_title (title),
            KEY idx_fk_language_id (language_id),
            CONSTRAINT fk_film_language FOREIGN KEY (language_id) REFERENCES language (language_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)");
        db.execute("CREATE TABLE departments (dept_no CHAR(4) NOT NULL, dept_name VARCHAR(40) NOT NULL, "
                   "PRIMARY KEY (dept_no), UNIQUE KEY (dept_name)) ENGINE=InnoDB DEFAULT CHARSET=latin1");
        db.execute("CREATE TABLE dept_emp (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, from_date DATE NOT NULL, "
                   "to_date DATE NOT NULL, PRIMARY KEY (emp_no, dept_no), KEY (dept_no), "
                   "FOREIGN KEY (dept_no) REFERENCES departments (dept_no) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=latin1");
        db.execute("CREATE TABLE payment (payment_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                   "customer_id SMALLINT UNSIGNED NOT NULL, amount DECIMAL(5,2) NOT NULL) ENGINE=InnoDB");
    }
}

Film random_film(std::mt19937_64& rng, int i) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    Film f;
    f.name = "FILM " + std::to_string(i) + (pick(2) ? " ALPHA" : " beta");
    if (pick(3)) f.description = "A story of " + std::to_string(pick(1000));
    if (pick(4)) f.release_year = std::chrono::year{1901 + pick(254)};
    f.rental_rate = sluice::decimal::from_unscaled(pick(10000) - (pick(5) == 0 ? 9999 : 0), 2);
    f.rating = static_cast<Rating>(pick(5));
    for (int k = 0; k < 4; ++k)
        if (pick(2)) f.features.insert(static_cast<Feature>(k));
    f.klass = pick(2) ? "drama" : "order";
    f.length = static_cast<std::uint32_t>(pick(16777215));
    f.active = pick(2) == 1;
    f.replacement_cost = Cents{static_cast<std::int64_t>(rng() >> 1) * (pick(2) ? 1 : -1)};
    if (pick(2)) f.sku = Sku{"X" + std::to_string(pick(100000))};
    if (pick(3)) f.meta = R"({"k": )" + std::to_string(pick(100)) + "}";
    return f;
}

void check_same_except_server_filled(const Film& a, const Film& b) {
    CHECK(a.film_id == b.film_id);
    CHECK(a.name == b.name);
    CHECK(a.description == b.description);
    CHECK(a.release_year == b.release_year);
    CHECK(a.rental_rate == b.rental_rate);
    CHECK(a.rental_rate.to_string() == b.rental_rate.to_string());  // DECIMAL(4,2) keeps two digits
    CHECK(a.rating == b.rating);
    CHECK(a.features == b.features);
    CHECK(a.klass == b.klass);
    CHECK(a.length == b.length);
    CHECK(a.active == b.active);
    CHECK(a.replacement_cost == b.replacement_cost);
    CHECK(a.sku == b.sku);
    if (a.meta && b.meta) CHECK(a.meta->find(R"("k")") != std::string::npos);
    CHECK(a.meta.has_value() == b.meta.has_value());
}

}  // namespace

TEST_CASE("existing schema: models with column options verify against hand-written tables") {
    auto db = support::connect();
    create_schema(db);
    db.verify<Film>();
    db.verify<Department>();
    db.verify<DeptEmp>();
    db.verify<Payment>();
    try {
        db.verify<FilmWrong>();
        FAIL("verify accepted a wrong model");
    } catch (const sluice::schema_error& e) {
        const std::string m = e.what();
        INFO(m);
        // SQLite columns have affinities, not ranges: the width is only checked on MariaDB.
        if (!support::is_sqlite()) CHECK(m.find("column length: expected an integer type whose values all fit int8") != std::string::npos);
        CHECK(m.find("column description: expected NOT NULL") != std::string::npos);
        CHECK(m.find("column director: missing") != std::string::npos);
        CHECK(m.find("column title") == std::string::npos);
    }
    CHECK_THROWS_WITH_AS(db.verify<DeptEmpWrongKey>(),
                         doctest::Contains("primary key: the model's is (emp_no), the table's is (emp_no, dept_no)"),
                         sluice::schema_error);
}

TEST_CASE("existing schema: every type round-trips exactly; server-filled columns are the server's") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(1313);
    std::vector<Film> films;
    for (int i = 0; i < 60; ++i) {
        Film f = random_film(rng, i);
        db.insert(f);
        REQUIRE(f.film_id > 0);
        films.push_back(f);
    }
    for (const Film& f : films) {
        const auto got = db.get<Film>(f.film_id);
        REQUIRE(got);
        check_same_except_server_filled(*got, f);
        CHECK(got->last_update.time_since_epoch().count() > 0);  // the server's DEFAULT filled it
    }
    // Columns read by name, through the rename and the reserved word.
    CHECK(db.scalar("SELECT COUNT(*) FROM film WHERE title = ?", films[3].name) == "1");
    CHECK(db.query<Film>().where(col(&Film::klass) == "order").count() ==
          static_cast<std::uint64_t>(std::count_if(films.begin(), films.end(), [](const Film& f) { return f.klass == "order"; })));
    // Filters on converted and labelled fields compare their stored form.
    CHECK(db.query<Film>().where(col(&Film::rating) == Rating::pg13).count() ==
          static_cast<std::uint64_t>(std::count_if(films.begin(), films.end(), [](const Film& f) { return f.rating == Rating::pg13; })));
    CHECK(db.query<Film>().where(col(&Film::replacement_cost) == films[5].replacement_cost).count() == 1);
    const auto with_sku = std::find_if(films.begin(), films.end(), [](const Film& f) { return f.sku.has_value(); });
    REQUIRE(with_sku != films.end());
    CHECK(db.query<Film>().where(col(&Film::sku) == *with_sku->sku).count() == 1);
    // Keyset order by a decimal and by a converted field, paged: the C++ order.
    for (std::size_t page : {1u, 7u, 59u, 60u, 61u}) {
        std::vector<sluice::decimal> got;
        for (const Film& f : db.query<Film>().order_by(&Film::rental_rate).yield_per(page)) got.push_back(f.rental_rate);
        std::vector<sluice::decimal> expected;
        for (const Film& f : films) expected.push_back(f.rental_rate);
        std::sort(expected.begin(), expected.end());
        CHECK(got == expected);
        std::vector<std::int64_t> costs, expected_costs;
        for (const Film& f : db.query<Film>().order_by(sluice::desc(&Film::replacement_cost)).yield_per(page))
            costs.push_back(f.replacement_cost.value);
        for (const Film& f : films) expected_costs.push_back(f.replacement_cost.value);
        std::sort(expected_costs.rbegin(), expected_costs.rend());
        CHECK(costs == expected_costs);
    }
}

TEST_CASE("existing schema: update(obj, fields...) writes only those; update(obj) leaves server-filled columns") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(7);
    Film f = random_film(rng, 1);
    db.insert(f);
    const std::string before = *db.scalar("SELECT last_update FROM film WHERE film_id = ?", f.film_id);
    // Someone else changes the description; a partial update must not overwrite it.
    db.execute("UPDATE film SET description = 'theirs' WHERE film_id = ?", f.film_id);
    f.rental_rate = sluice::decimal{"0.99"};
    f.rating = Rating::nc17;
    f.description = "mine";
    db.update(f, &Film::rental_rate, &Film::rating);
    auto got = db.get<Film>(f.film_id);
    REQUIRE(got);
    CHECK(got->rental_rate == sluice::decimal{"0.99"});
    CHECK(got->rating == Rating::nc17);
    CHECK(got->description == "theirs");
    CHECK_THROWS_WITH_AS(db.update(f, &Film::film_id), doctest::Contains("cannot set the primary key column film_id"), sluice::error);
    // A server-filled column is never written by update(obj), so ON UPDATE fires (MariaDB) and a
    // value set in C++ is not sent.
    if (!support::is_sqlite()) db.execute("UPDATE film SET last_update = '2001-01-01 00:00:00' WHERE film_id = ?", f.film_id);
    f.last_update = support::at(1999, 1, 1);
    db.update(f);
    got = db.get<Film>(f.film_id);
    REQUIRE(got);
    CHECK(got->description == "mine");
    CHECK(got->last_update != support::at(1999, 1, 1));
    if (!support::is_sqlite()) CHECK(got->last_update != support::at(2001, 1, 1));
    else CHECK(*db.scalar("SELECT last_update FROM film WHERE film_id = ?", f.film_id) == before);
    // Named explicitly, it is written.
    f.last_update = support::at(2020, 2, 2, 3, 4, 5);
    db.update(f, &Film::last_update);
    CHECK(db.get<Film>(f.film_id)->last_update == support::at(2020, 2, 2, 3, 4, 5));
}

TEST_CASE("existing schema: a value the column would round or cut is refused, naming the column; nothing is written") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(11);
    Film f = random_film(rng, 2);
    f.rental_rate = sluice::decimal{"2.999"};
    CHECK_THROWS_WITH_AS(db.insert(f), doctest::Contains("film.rental_rate (decimal): 2.999 does not fit DECIMAL(4,2)"),
                         sluice::conversion_error);
    f.rental_rate = sluice::decimal{"100.00"};  // three integer digits in DECIMAL(4,2)
    CHECK_THROWS_WITH_AS(db.insert(f), doctest::Contains("does not fit DECIMAL(4,2)"), sluice::conversion_error);
    CHECK(db.scalar("SELECT COUNT(*) FROM film") == "0");
    f.rental_rate = sluice::decimal{"2.990"};  // a trailing zero is exact
    db.insert(f);
    CHECK(db.get<Film>(f.film_id)->rental_rate.to_string() == "2.99");
    std::vector<Film> many;
    for (int i = 0; i < 5; ++i) many.push_back(random_film(rng, 100 + i));
    many[3].rental_rate = sluice::decimal{"1.005"};
    CHECK_THROWS_WITH_AS(db.insert_many(many), doctest::Contains("row 3"), sluice::conversion_error);
    CHECK(db.scalar("SELECT COUNT(*) FROM film") == "1");
    CHECK_THROWS_WITH_AS(db.query<Film>().update(sluice::set(&Film::rental_rate, sluice::decimal{"0.001"})),
                         doctest::Contains("film.rental_rate"), sluice::conversion_error);
    CHECK(db.get<Film>(f.film_id)->rental_rate.to_string() == "2.99");
    if (!support::is_sqlite()) {
        // TIMESTAMP keeps whole seconds: microseconds would be cut.
        f.last_update = support::at(2020, 1, 1, 0, 0, 0, 123456);
        CHECK_THROWS_WITH_AS(db.update(f, &Film::last_update), doctest::Contains("film.last_update (datetime)"),
                             sluice::conversion_error);
    }
    // An enum value without a label, and a label the enum lacks.
    f.rating = static_cast<Rating>(9);
    CHECK_THROWS_WITH_AS(db.update(f), doctest::Contains("film.rating (text): enum value 9 has no label"), sluice::conversion_error);
    if (!support::is_sqlite()) {
        db.execute("UPDATE film SET special_features = ''");
        db.execute("ALTER TABLE film MODIFY special_features SET('Trailers','Bloopers') NOT NULL");
    }
    db.execute("UPDATE film SET special_features = 'Trailers,Bloopers'");
    CHECK_THROWS_WITH_AS(db.get<Film>(f.film_id), doctest::Contains("unknown label 'Bloopers'"), sluice::conversion_error);
    if (!support::is_sqlite())
        CHECK_THROWS_WITH_AS(db.verify<Film>(), doctest::Contains("enum_labels lacks 'Bloopers'"), sluice::schema_error);
}

TEST_CASE("existing schema: string and composite string keys page, resume, partition and mutate in batches") {
    auto db = support::connect();
    create_schema(db);
    std::vector<Department> depts;
    for (int d = 1; d <= 9; ++d) depts.push_back({"d00" + std::to_string(d), "Department " + std::to_string(d)});
    db.insert_many(depts);
    std::mt19937_64 rng(99);
    std::vector<DeptEmp> rows;
    for (int e = 10001; e <= 10400; ++e)
        for (int d = 1; d <= 9; ++d)
            if (rng() % 3 == 0) rows.push_back({e, "d00" + std::to_string(d), support::day(2000, 1, 1 + d), support::day(9999, 1, 1)});
    db.insert_many(rows);
    std::sort(rows.begin(), rows.end(), [](const DeptEmp& a, const DeptEmp& b) { return std::tie(a.emp_no, a.dept_no) < std::tie(b.emp_no, b.dept_no); });
    for (std::size_t page : {1u, 2u, 7u, 100u}) {
        std::vector<DeptEmp> got;
        for (const DeptEmp& r : db.query<DeptEmp>().yield_per(page)) got.push_back(r);
        CHECK(got == rows);
    }
    // Resume mid-scan by token, on the string part of the key.
    {
        auto range = db.query<DeptEmp>().yield_per(13);
        std::vector<DeptEmp> got;
        std::string token;
        for (const DeptEmp& r : range) {
            got.push_back(r);
            if (got.size() == 50) { token = range.token(); break; }
        }
        for (const DeptEmp& r : db.query<DeptEmp>().resume(token).yield_per(13)) got.push_back(r);
        CHECK(got == rows);
    }
    // Order by the string column alone: ties broken by the key.
    std::vector<DeptEmp> by_dept = rows;
    std::stable_sort(by_dept.begin(), by_dept.end(), [](const DeptEmp& a, const DeptEmp& b) { return a.dept_no < b.dept_no; });
    std::vector<DeptEmp> got;
    for (const DeptEmp& r : db.query<DeptEmp>().order_by(&DeptEmp::dept_no).yield_per(17)) got.push_back(r);
    CHECK(got == by_dept);
    // Partitions cover every row once.
    std::multiset<std::pair<std::int32_t, std::string>> seen;
    for (const auto& part : db.query<DeptEmp>().partitions(3))
        for (const DeptEmp& r : part.yield_per(29)) seen.insert({r.emp_no, r.dept_no});
    CHECK(seen.size() == rows.size());
    CHECK(std::set<std::pair<std::int32_t, std::string>>(seen.begin(), seen.end()).size() == rows.size());
    // A batched mutation over the composite key.
    const auto d3 = static_cast<std::uint64_t>(std::count_if(rows.begin(), rows.end(), [](const DeptEmp& r) { return r.dept_no == "d003"; }));
    CHECK(db.query<DeptEmp>().where(col(&DeptEmp::dept_no) == "d003").update_in_batches(11, sluice::set(&DeptEmp::to_date, support::day(2001, 1, 1))) == d3);
    CHECK(db.query<DeptEmp>().where(col(&DeptEmp::to_date) == support::day(2001, 1, 1)).count() == d3);
    // get() by a string key, and by a composite key.
    CHECK(db.get<Department>(std::string("d004"))->dept_name == "Department 4");
    CHECK(db.get<DeptEmp>(rows[5].emp_no, rows[5].dept_no) == rows[5]);
}

TEST_CASE("existing schema: decimal sums equal the server's, filters and order are numeric") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(2024);
    std::vector<Payment> payments;
    for (int i = 0; i < 16000; ++i)
        payments.push_back({0, static_cast<std::int32_t>(rng() % 599), sluice::decimal::from_unscaled(static_cast<std::int64_t>(rng() % 1200), 2)});
    payments[0].amount = sluice::decimal{"999.99"};
    payments[1].amount = sluice::decimal{"-999.99"};
    db.insert_many(payments);
    sluice::decimal total;
    std::uint64_t streamed = 0;
    for (const Payment& p : db.query<Payment>().yield_per(1000)) {
        total += p.amount;
        ++streamed;
    }
    CHECK(streamed == payments.size());
    sluice::decimal expected;
    for (const Payment& p : payments) expected += p.amount;
    CHECK(total == expected);
    // The server's own sum: exact DECIMAL arithmetic on MariaDB; SQLite sums REALs, so it is asked
    // for whole cents.
    if (support::is_sqlite())
        CHECK(sluice::decimal(*db.scalar("SELECT SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM payment")) == total * 100);
    else
        CHECK(sluice::decimal(*db.scalar("SELECT SUM(amount) FROM payment")) == total);
    const sluice::decimal limit{"5.50"};
    CHECK(db.query<Payment>().where(col(&Payment::amount) > limit).count() ==
          static_cast<std::uint64_t>(std::count_if(payments.begin(), payments.end(), [&](const Payment& p) { return p.amount > limit; })));
    CHECK(db.query<Payment>().where(col(&Payment::amount) >= 11).count() ==
          static_cast<std::uint64_t>(std::count_if(payments.begin(), payments.end(), [&](const Payment& p) { return p.amount >= sluice::decimal(11); })));
    if (support::is_sqlite()) {
        // 16 digits cannot be bound as a REAL exactly: refused, in a filter as in a write.
        const sluice::decimal long_value{"1.234567890123456"};
        CHECK_THROWS_WITH_AS(db.query<Payment>().where(col(&Payment::amount) > long_value).count(),
                             doctest::Contains("payment: value 1 of the query: decimal 1.234567890123456 has 16 significant digits"),
                             sluice::conversion_error);
        auto scan = [&] {
            for (const Payment& p : db.query<Payment>().where(col(&Payment::amount) > long_value).yield_per(10)) (void)p;
        };
        CHECK_THROWS_AS(scan(), sluice::conversion_error);
        CHECK_THROWS_AS(db.get<Payment>(long_value), sluice::conversion_error);
    }
    const auto first = db.query<Payment>().order_by(sluice::desc(&Payment::amount)).first();
    REQUIRE(first);
    CHECK(first->amount.to_string() == "999.99");
}

TEST_CASE("existing schema: like() in a case-insensitive collation matches what the server's LIKE matches") {
    auto db = support::connect();
    create_schema(db);
    // Punctuation sorts differently from its bytes in utf8mb4_general_ci ('`' after 'a'): a byte
    // prefix range would miss rows there.
    const std::vector<std::string> titles = {"x`abc", "X`def", "xa", "x_b", "X_c", "x[1", "x\\2", "xB`", "A`", "a`z", "x",
                                             "x`", "xyz", "x~", "X~~"};
    std::mt19937_64 rng(5);
    int n = 0;
    for (const std::string& title : titles) {
        Film f = random_film(rng, n++);
        f.name = title;
        db.insert(f);
    }
    for (const std::string pattern : {"x`%", "X`%", "x\\_%", "x[%", "x\\\\%", "a`%", "x%", "x~%", "%`%", "_`%"}) {
        INFO(pattern);
        const auto server = std::stoull(*db.scalar(support::is_sqlite() ? "SELECT COUNT(*) FROM film WHERE title LIKE ? ESCAPE '\\'"
                                                                         : "SELECT COUNT(*) FROM film WHERE title LIKE ?",
                                                   pattern));
        CHECK(db.query<Film>().where(col(&Film::name).like(pattern)).count() == server);
        std::uint64_t scanned = 0;
        for (const Film& f : db.query<Film>().where(col(&Film::name).like(pattern)).order_by(&Film::name).yield_per(2)) {
            (void)f;
            ++scanned;
        }
        CHECK(scanned == server);
    }
}

TEST_CASE("existing schema: create_table of a model with column options verifies, and pages over its VARCHAR key are index ranges") {
    using models::Product;
    auto db = support::connect();
    db.drop_table<Product>();
    db.create_table<Product>();
    db.verify<Product>();
    std::vector<Product> rows;
    for (int i = 0; i < 3000; ++i) {
        Product p;
        p.sku = "sku-" + std::to_string(100000 + i * 7 % 3000);
        p.name = "Product " + std::to_string(i);
        p.category = i % 3 ? "books" : "games";
        p.price = sluice::decimal::from_unscaled(i * 37 % 100000, 2);
        p.status = static_cast<models::ProductStatus>(i % 3);
        if (i % 2) p.tags = {models::ProductTag::sale, models::ProductTag::gift};
        if (i % 5) p.launched = std::chrono::year{2000 + i % 25};
        p.seq = i;
        rows.push_back(p);
    }
    db.insert_many(rows);
    if (!support::is_sqlite()) db.execute("ANALYZE TABLE products");
    Product dup = rows[0];
    dup.sku = "another";
    CHECK_THROWS_AS(db.insert(dup), sluice::statement_error);  // UNIQUE (title)
    const auto got = db.get<Product>(rows[10].sku);
    REQUIRE(got);
    CHECK(got->name == rows[10].name);
    CHECK(got->price == rows[10].price);
    CHECK(got->tags == rows[10].tags);
    CHECK(got->launched == rows[10].launched);
    CHECK(got->updated_at.time_since_epoch().count() > 0);

    for (const bool by_index : {false, true}) {
        std::string page_sql;
        std::vector<std::string> page_values;
        db.on_statement([&](const sluice::statement_event& e) {
            if (e.sql.find("ORDER BY") != std::string_view::npos && e.values.size() >= 2) {
                page_sql = e.sql;
                page_values.assign(e.values.begin(), e.values.end());
            }
        });
        std::size_t seen = 0;
        auto q = db.query<Product>();
        if (by_index) q = q.order_by(&Product::category).order_by(&Product::name);
        for (const Product& p : q.yield_per(100)) {
            (void)p;
            if (++seen == 2000) break;
        }
        db.on_statement(nullptr);
        REQUIRE_FALSE(page_sql.empty());
        std::vector<sluice::value_ref> values;
        for (const std::string& v : page_values) {
            // The log quotes text values: bind them back as text, numbers as numbers.
            if (v.size() >= 2 && v.front() == '\'') values.emplace_back(std::string_view(v).substr(1, v.size() - 2));
            else values.emplace_back(std::stoll(v));
        }
        const auto plan = db.rows((support::is_sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + page_sql,
                                  std::span<const sluice::value_ref>(values));
        REQUIRE(!plan.empty());
        CAPTURE(page_sql);
        if (support::is_sqlite()) {
            const std::string detail = plan[0].back().value_or("");
            CAPTURE(detail);
            CHECK(detail.find("SEARCH") != std::string::npos);
            CHECK(detail.find(by_index ? "ix_products_category_title" : "sqlite_autoindex_products_1") != std::string::npos);
        } else {
            const std::string type = plan[0].at(3).value_or("");
            const std::string key = plan[0].at(5).value_or("");
            const std::string extra = plan[0].back().value_or("");
            CAPTURE(extra);
            CHECK(type == "range");
            CHECK(key == (by_index ? "ix_products_category_title" : "PRIMARY"));
            CHECK(extra.find("filesort") == std::string::npos);
        }
    }
}

namespace {
struct Place {
    static constexpr std::string_view table_name = "places";
    std::int64_t id = 0;
    sluice::blob location;  // GEOMETRY/POINT: the server's internal bytes (SRID, then WKB)
};
}  // namespace

TEST_CASE("existing schema: a GEOMETRY column reads and writes as the server's internal bytes (MariaDB)") {
    auto db = support::connect();
    if (support::is_sqlite()) {
        // SQLite has no geometry type: a BLOB holds the same bytes.
        db.execute("DROP TABLE IF EXISTS places");
        db.execute("CREATE TABLE places (id INTEGER PRIMARY KEY, location BLOB NOT NULL)");
        db.verify<Place>();
        return;
    }
    db.execute("DROP TABLE IF EXISTS places");
    db.execute("CREATE TABLE places (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, location POINT NOT NULL)");
    db.verify<Place>();
    db.execute("INSERT INTO places (location) VALUES (ST_GeomFromText('POINT(1.5 -2.25)'))");
    auto first = db.get<Place>(std::int64_t{1});
    REQUIRE(first);
    REQUIRE(first->location.size() == 25);  // 4 bytes of SRID, then 21 of WKB
    std::string hex;
    for (std::byte b : first->location) {
        static const char digits[] = "0123456789ABCDEF";
        hex += digits[std::to_integer<int>(b) >> 4];
        hex += digits[std::to_integer<int>(b) & 15];
    }
    CHECK(db.scalar("SELECT HEX(location) FROM places WHERE id = 1") == hex);
    Place copy{0, first->location};
    db.insert(copy);
    CHECK(db.scalar("SELECT ST_AsText(location) FROM places WHERE id = ?", copy.id) == "POINT(1.5 -2.25)");
}

namespace {
struct Entry {
    static constexpr std::string_view table_name = "entries";
    static constexpr std::array<std::string_view, 1> indexes{"amount"};
    static constexpr sluice::column_option columns[] = {{.field = "amount", .sql_type = "DECIMAL(12,4)"},
                                                        {.field = "fee", .sql_type = "DECIMAL(6,2)"}};
    std::int64_t id = 0;
    sluice::decimal amount;
    std::optional<sluice::decimal> fee;
    Rating rating = Rating::g;
    bool operator==(const Entry&) const = default;
};

sluice::decimal random_decimal(std::mt19937_64& rng, int integer_digits, int scale) {
    std::int64_t bound = 1;
    for (int i = 0; i < integer_digits + scale; ++i) bound *= 10;
    const auto u = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bound)) - (rng() % 3 == 0 ? bound / 2 : 0);
    // Fewer fractional digits sometimes: 2.5 in a DECIMAL(12,4) column reads back as 2.5000.
    const int written_scale = static_cast<int>(rng() % static_cast<std::uint64_t>(scale + 1));
    std::int64_t drop = 1;
    for (int i = written_scale; i < scale; ++i) drop *= 10;
    return sluice::decimal::from_unscaled(u / drop, written_scale);
}
}  // namespace

TEST_CASE("existing schema: random decimals filter, order, page and resume as C++ computes") {
    auto db = support::connect();
    db.drop_table<Entry>();
    db.create_table<Entry>();
    db.verify<Entry>();
    std::mt19937_64 rng(424242);
    std::vector<Entry> rows;
    for (int i = 0; i < 700; ++i) {
        Entry e;
        e.amount = rng() % 7 == 0 && !rows.empty() ? rows[rng() % rows.size()].amount : random_decimal(rng, 8, 4);  // ties
        if (rng() % 4) e.fee = random_decimal(rng, 4, 2);
        e.rating = static_cast<Rating>(rng() % 5);
        rows.push_back(e);
    }
    db.insert_many(rows);
    std::vector<Entry> stored = db.query<Entry>().order_by(&Entry::id).all();
    REQUIRE(stored.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(stored[i].amount == rows[i].amount);
        CHECK(stored[i].amount.scale() == 4);  // shown at the declared scale on both backends
        CHECK(stored[i].fee == rows[i].fee);
    }
    for (int round = 0; round < 12; ++round) {
        sluice::decimal low = random_decimal(rng, 8, 4), high = random_decimal(rng, 8, 4);
        if (high < low) std::swap(low, high);
        const bool descending = round % 2 == 1;
        const std::size_t page = 1 + rng() % 40;
        std::vector<Entry> expected;
        for (const Entry& e : stored)
            if (e.amount >= low && e.amount <= high && e.rating != Rating::r) expected.push_back(e);
        std::stable_sort(expected.begin(), expected.end(), [&](const Entry& a, const Entry& b) {
            if (a.amount != b.amount) return descending ? b.amount < a.amount : a.amount < b.amount;
            return a.id < b.id;
        });
        auto q = db.query<Entry>()
                     .where(col(&Entry::amount) >= low && col(&Entry::amount) <= high && col(&Entry::rating) != Rating::r)
                     .order_by(descending ? sluice::desc(&Entry::amount) : sluice::asc(&Entry::amount))
                     .order_by(&Entry::id);
        INFO("round " << round << " page " << page << " [" << low.to_string() << ", " << high.to_string() << "]");
        CHECK(q.count() == expected.size());
        std::vector<Entry> got;
        std::string token;
        {
            auto range = q.yield_per(page);
            for (const Entry& e : range) {
                got.push_back(e);
                if (got.size() == expected.size() / 2) {
                    token = range.token();
                    break;
                }
            }
        }
        if (!token.empty())
            for (const Entry& e : q.resume(token).yield_per(page)) got.push_back(e);
        CHECK(got == expected);
    }
}

// --- cases found by review ------------------------------------------------------------------

namespace {
struct PriceWide {
    static constexpr std::string_view table_name = "exp_price";
    std::int64_t id = 0;
    std::string note;
    sluice::decimal price;
};
struct PriceNarrow {  // the same table, fewer columns: its limits are its own
    static constexpr std::string_view table_name = "exp_price";
    std::int64_t id = 0;
    sluice::decimal price;
};
struct Lite {
    static constexpr std::string_view table_name = "exp_lite";
    static constexpr bool auto_increment = false;
    std::int64_t id = 0;
    sluice::decimal amount;
};
struct Defaults {
    static constexpr std::string_view table_name = "exp_defaults";
    static constexpr sluice::column_option columns[] = {
        {.field = "at", .sql_type = "DATETIME DEFAULT '2020-01-01 00:00:00'", .server_default = true},
        {.field = "mode", .sql_type = "ENUM('keep default 0 ','turn on update off','a) x')"},
        {.field = "word", .sql_type = "VARCHAR(30) DEFAULT 'turn on update off'", .server_default = true},
        {.field = "stamp", .sql_type = "TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)", .server_default = true},
        {.field = "spaced", .sql_type = "DECIMAL(10, 2)"},
        {.field = "wide", .sql_type = "DECIMAL(18,6)"},
    };
    std::int64_t id = 0;
    sluice::datetime at{};
    std::string mode;
    std::string word;
    sluice::datetime stamp{};
    sluice::decimal spaced;
    sluice::decimal wide;
};

struct ExpPad {
    static constexpr std::string_view table_name = "exp_pad";
    std::int64_t id = 0;
    std::string name;
    std::string code;
};

struct AsNumbers {
    static constexpr std::string_view table_name = "payment";
    static constexpr std::array<std::string_view, 1> primary_key{"payment_id"};
    std::int64_t payment_id = 0;
    std::int32_t customer_id = 0;
    double amount = 0;
};

struct AsInteger {
    static constexpr std::string_view table_name = "payment";
    static constexpr std::array<std::string_view, 1> primary_key{"payment_id"};
    std::int64_t payment_id = 0;
    std::int32_t customer_id = 0;
    std::int64_t amount = 0;
};

struct Stamped {
    static constexpr std::string_view table_name = "film_stamps";
    static constexpr sluice::column_option columns[] = {{.field = "at", .sql_type = "TIMESTAMP"}};
    std::int64_t id = 0;
    sluice::datetime at{};
};

struct UniqueText {
    static constexpr std::string_view table_name = "unique_texts";
    static constexpr std::array<std::string_view, 1> unique_indexes{"body"};
    static constexpr sluice::column_option columns[] = {{.field = "body", .sql_type = "TEXT"}};
    std::int64_t id = 0;
    std::string body;
};
}  // namespace

TEST_CASE("existing schema: column limits are per model and follow DDL run through the session") {
    auto db = support::connect();
    db.execute("DROP TABLE IF EXISTS exp_price");
    db.execute(support::is_sqlite() ? "CREATE TABLE exp_price (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL, price DECIMAL(5,2) NOT NULL)"
                                    : "CREATE TABLE exp_price (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20) NOT NULL, price DECIMAL(5,2) NOT NULL)");
    PriceWide w{0, "n", sluice::decimal{"1.25"}};
    db.insert(w);
    PriceNarrow n{0, sluice::decimal{"2.999"}};
    CHECK_THROWS_WITH_AS(db.insert(n), doctest::Contains("exp_price.price (decimal): 2.999 does not fit DECIMAL(5,2)"),
                         sluice::conversion_error);
    // A table that does not exist yet has no limits to remember.
    db.execute("DROP TABLE IF EXISTS exp_lite");
    Lite l{1, sluice::decimal{"1.5"}};
    CHECK_THROWS_AS(db.insert(l), sluice::statement_error);
    db.execute("CREATE TABLE exp_lite (id BIGINT PRIMARY KEY, amount DECIMAL(6,3) NOT NULL)");
    l.amount = sluice::decimal{"2.9999"};
    CHECK_THROWS_WITH_AS(db.insert(l), doctest::Contains("does not fit DECIMAL(6,3)"), sluice::conversion_error);
    l.amount = sluice::decimal{"1.234"};
    db.insert(l);
    // DDL through the session is seen at once.
    if (support::is_sqlite()) {
        db.execute("DROP TABLE exp_lite");
        db.execute("CREATE TABLE exp_lite (id BIGINT PRIMARY KEY, amount DECIMAL(6,2) NOT NULL)");
    } else {
        db.execute("DELETE FROM exp_lite");
        db.execute("ALTER TABLE exp_lite MODIFY amount DECIMAL(6,2) NOT NULL");
    }
    CHECK_THROWS_WITH_AS(db.insert(l), doctest::Contains("does not fit DECIMAL(6,2)"), sluice::conversion_error);
}

TEST_CASE("existing schema: sql_type text becomes DDL through its parts only; defaults, spaces and wide decimals") {
    auto db = support::connect();
    db.drop_table<Defaults>();
    db.create_table<Defaults>();  // labels and literals that hold "default", "on update" and ')'
    db.verify<Defaults>();
    Defaults d;
    d.mode = "turn on update off";
    d.spaced = sluice::decimal{"2.50"};
    d.wide = sluice::decimal{"1234567890.5"};  // 10 integer digits in DECIMAL(18,6)
    db.insert(d);
    auto got = db.get<Defaults>(d.id);
    REQUIRE(got);
    CHECK(got->at == support::at(2020, 1, 1));
    CHECK(got->word == "turn on update off");
    CHECK(got->spaced.to_string() == "2.50");
    CHECK(got->wide.to_string() == "1234567890.500000");
    // The server-filled literal compares like any value sluice writes.
    CHECK(db.query<Defaults>().where(col(&Defaults::at) == got->at).count() == 1);
    // A value read back (trailing zeros at the declared scale) is written back as it is.
    db.update(*got);
    CHECK(db.query<Defaults>().where(col(&Defaults::wide) == got->wide).count() == 1);
    // ON UPDATE CURRENT_TIMESTAMP: MariaDB's own; on SQLite, the trigger create_table() adds.
    db.execute("UPDATE exp_defaults SET stamp = ? WHERE id = ?", support::at(2001, 1, 1), got->id);
    CHECK(db.get<Defaults>(got->id)->stamp == support::at(2001, 1, 1));  // set explicitly: kept
    Defaults changed = *db.get<Defaults>(got->id);
    changed.mode = "keep default 0 ";
    db.update(changed);
    const sluice::datetime stamped = db.get<Defaults>(got->id)->stamp;
    CHECK(stamped != support::at(2001, 1, 1));
    CHECK(stamped > support::at(2020, 1, 1));
    d.id = 0;
    d.mode = "not a label";
    CHECK_THROWS_AS(db.insert(d), sluice::statement_error);  // ENUM on MariaDB, CHECK on SQLite
    d.mode = "a) x";
    d.spaced = sluice::decimal{"3"};
    db.insert(d);
    CHECK(db.get<Defaults>(d.id)->spaced.to_string() == "3.00");
}

TEST_CASE("existing schema: like() in PAD SPACE binary and mixed-collation tables matches the server's LIKE (MariaDB)") {
    if (support::is_sqlite()) return;  // SQLite has no collations of this kind
    auto db = support::connect();
    db.execute("DROP TABLE IF EXISTS exp_pad");
    db.execute("CREATE TABLE exp_pad (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, "
               "code VARCHAR(50) COLLATE utf8mb4_nopad_bin NOT NULL, KEY (name), KEY (code)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    const std::vector<std::string> values = {"ab", "ab\t1", "ab\n", "abc", "ab 1", "a\xF0\x9F\x98\x80", "a\xC3\xA9", "a"};
    for (const std::string& v : values) db.execute("INSERT INTO exp_pad (name, code) VALUES (?, ?)", v, v);
    for (const std::string pattern : {"ab%", "a%", "ab_%", "a\xF0\x9F\x98\x80%"}) {
        INFO(pattern);
        const auto expected = std::stoull(*db.scalar("SELECT COUNT(*) FROM exp_pad IGNORE INDEX (name) WHERE name LIKE ?", pattern));
        CHECK(db.query<ExpPad>().where(col(&ExpPad::name).like(pattern)).count() == expected);
        const auto expected_code = std::stoull(*db.scalar("SELECT COUNT(*) FROM exp_pad IGNORE INDEX (code) WHERE code LIKE ?", pattern));
        CHECK(db.query<ExpPad>().where(col(&ExpPad::code).like(pattern)).count() == expected_code);
    }
}

TEST_CASE("existing schema: README promises on conversions, decimal reads, upserts and refusals") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(77);
    std::vector<Film> films;
    for (int i = 0; i < 40; ++i) films.push_back(random_film(rng, i));
    db.insert_many(films);
    // Resume over a type_conversion order key.
    std::vector<std::int64_t> expected;
    for (const Film& f : db.query<Film>().all()) expected.push_back(f.replacement_cost.value);
    std::sort(expected.begin(), expected.end());
    std::vector<std::int64_t> got;
    std::string token;
    {
        auto range = db.query<Film>().order_by(&Film::replacement_cost).yield_per(3);
        for (const Film& f : range) {
            got.push_back(f.replacement_cost.value);
            if (got.size() == 17) { token = range.token(); break; }
        }
    }
    for (const Film& f : db.query<Film>().order_by(&Film::replacement_cost).resume(token).yield_per(3)) got.push_back(f.replacement_cost.value);
    CHECK(got == expected);
    CHECK(db.query<Film>().where(col(&Film::replacement_cost) > Cents{0}).count() ==
          static_cast<std::uint64_t>(std::count_if(expected.begin(), expected.end(), [](std::int64_t v) { return v > 0; })));
    // A DECIMAL column read into double (nearest) and into an integer (whole values only).
    Payment p{0, 1, sluice::decimal{"12.34"}};
    db.insert(p);
    CHECK(db.get<AsNumbers>(p.payment_id)->amount == 12.34);
    CHECK_THROWS_AS(db.get<AsInteger>(p.payment_id), sluice::conversion_error);
    Payment whole{0, 1, sluice::decimal{"12.00"}};
    db.insert(whole);
    CHECK(db.get<AsInteger>(whole.payment_id)->amount == 12);
    // upsert and upsert_many leave server-filled columns to the server.
    Film f = random_film(rng, 500);
    db.upsert(f);
    const auto first = db.get<Film>(f.film_id);
    REQUIRE(first);
    CHECK(first->last_update.time_since_epoch().count() > 0);
    f.rental_rate = sluice::decimal{"1.11"};
    f.last_update = support::at(1990, 1, 1);
    std::vector<Film> again{f};
    db.upsert_many(again);
    const auto second = db.get<Film>(f.film_id);
    CHECK(second->rental_rate == sluice::decimal{"1.11"});
    CHECK(second->last_update != support::at(1990, 1, 1));
    // A fraction a TIMESTAMP cannot keep, through insert_many (MariaDB).
    if (!support::is_sqlite()) {
        db.drop_table<Stamped>();
        db.create_table<Stamped>();
        std::vector<Stamped> rows{{0, support::at(2020, 1, 1)}, {0, support::at(2020, 1, 1, 0, 0, 0, 5)}};
        CHECK_THROWS_WITH_AS(db.insert_many(rows), doctest::Contains("film_stamps.at (datetime): '2020-01-01 00:00:00.000005' has fractional seconds the column (0 fractional digits) would drop; row 1 of the input"), sluice::conversion_error);
        CHECK(db.scalar("SELECT COUNT(*) FROM film_stamps") == "0");
    }
    // A UNIQUE index on a TEXT sql_type is refused at create_table (a prefix would be compared).
    if (!support::is_sqlite())
        CHECK_THROWS_WITH_AS(db.create_table<UniqueText>(), doctest::Contains("a UNIQUE index on a TEXT/BLOB column"), sluice::error);
}

TEST_CASE("existing schema: the plan check names fields in its suggestion, columns in the ORDER BY") {
    auto db = support::connect();
    create_schema(db);
    std::mt19937_64 rng(3);
    std::vector<Film> films;
    for (int i = 0; i < 20; ++i) films.push_back(random_film(rng, i));
    db.insert_many(films);
    db.set_plan_check(sluice::plan_check::error);
    // `class` has no index: refused before any row, and the fix is spelled in fields.
    CHECK_THROWS_WITH_AS(
        [&] { for (const Film& f : db.query<Film>().order_by(&Film::klass).yield_per(5)) (void)f; }(),
        doctest::Contains("film: ORDER BY class, film_id has no usable index: every page reads the whole table; add indexes{\"klass\"}"),
        sluice::error);
    // `title` (the field `name`) has a unique index: quiet.
    std::size_t n = 0;
    for (const Film& f : db.query<Film>().order_by(&Film::name).yield_per(5)) {
        (void)f;
        ++n;
    }
    CHECK(n == films.size());
}

namespace {
struct Num {
    static constexpr std::string_view table_name = "rv_num";
    std::int64_t id = 0;
    std::int64_t b = 0;
    double x = 0;
};
struct Acct {
    static constexpr std::string_view table_name = "rv_acct";
    static constexpr std::array<std::string_view, 1> unique_indexes{"email"};
    static constexpr std::array<std::string_view, 1> indexes{"grp,ord"};
    static constexpr sluice::column_option columns[] = {{.field = "ord", .column = "order"}};
    std::int64_t id = 0;
    std::optional<std::string> email;
    std::int32_t grp = 0;
    std::int32_t ord = 0;
};
}  // namespace

TEST_CASE("existing schema: an integer compared with a double compares as C++ does, on both backends") {
    auto db = support::connect();
    db.drop_table<Num>();
    db.create_table<Num>();
    const std::int64_t big = (std::int64_t{1} << 53) + 1;
    std::vector<Num> rows{{0, big, static_cast<double>(std::int64_t{1} << 53)}, {0, -7, -7.0}, {0, INT64_MIN, 0.0}, {0, 3, 2.5}};
    db.insert_many(rows);
    auto oracle = [&](auto pred) {
        return static_cast<std::uint64_t>(std::count_if(rows.begin(), rows.end(), pred));
    };
    CHECK(db.query<Num>().where(col(&Num::b) == col(&Num::x)).count() == oracle([](const Num& n) { return static_cast<double>(n.b) == n.x; }));
    CHECK(db.query<Num>().where(col(&Num::b) > col(&Num::x)).count() == oracle([](const Num& n) { return static_cast<double>(n.b) > n.x; }));
    CHECK(db.query<Num>().where(col(&Num::x) == big).count() == oracle([&](const Num& n) { return n.x == static_cast<double>(big); }));
    CHECK(db.query<Num>().where(col(&Num::x) < big).count() == oracle([&](const Num& n) { return n.x < static_cast<double>(big); }));
}

TEST_CASE("existing schema: the plan check takes a unique index pinned by = as one row, and not by IS NULL") {
    auto db = support::connect();
    db.drop_table<Acct>();
    db.create_table<Acct>();
    std::vector<Acct> rows;
    for (int i = 0; i < 30; ++i)
        rows.push_back({0, i % 3 ? std::optional<std::string>("e" + std::to_string(i)) : std::nullopt, i % 4, i});
    db.insert_many(rows);
    db.set_plan_check(sluice::plan_check::error);
    std::size_t n = 0;
    for (const Acct& a : db.query<Acct>().where(col(&Acct::email) == "e1").order_by(&Acct::ord).yield_per(2)) {
        (void)a;
        ++n;
    }
    CHECK(n == 1);
    // A UNIQUE index holds any number of NULLs: every page would sort them.
    CHECK_THROWS_WITH_AS([&] { for (const Acct& a : db.query<Acct>().where(col(&Acct::email).is_null()).order_by(&Acct::ord).yield_per(2)) (void)a; }(),
                         doctest::Contains("has no usable index"), sluice::error);
    // The composite index serves an equality on grp and the order on the renamed column.
    n = 0;
    for (const Acct& a : db.query<Acct>().where(col(&Acct::grp) == 1).order_by(&Acct::ord).yield_per(2)) {
        (void)a;
        ++n;
    }
    CHECK(n == 8);
}

namespace {
struct Extreme {
    static constexpr std::string_view table_name = "rv_extreme";
    static constexpr sluice::column_option columns[] = {{.field = "v", .sql_type = "DECIMAL(38,10)"}};
    std::int64_t id = 0;
    std::optional<sluice::decimal> v;
};
}  // namespace

TEST_CASE("existing schema: the largest and smallest DECIMAL(38,10) values round-trip, order and filter exactly") {
    auto db = support::connect();
    db.drop_table<Extreme>();
    db.create_table<Extreme>();
    const std::vector<std::string> texts = {"9999999999999999999999999999.9999999999", "-9999999999999999999999999999.9999999999",
                                            "0.0000000001", "-0.0000000001", "0.0000000000", "1234567.5"};
    if (support::is_sqlite()) {
        // More than 15 significant digits cannot be stored exactly: refused, nothing written.
        Extreme e{0, sluice::decimal{texts[0]}};
        CHECK_THROWS_WITH_AS(db.insert(e), doctest::Contains("significant digits"), sluice::conversion_error);
        CHECK(db.query<Extreme>().count() == 0);
        return;
    }
    std::vector<Extreme> rows;
    for (const std::string& t : texts) rows.push_back({0, sluice::decimal{t}});
    rows.push_back({0, std::nullopt});
    db.insert_many(rows);
    std::vector<sluice::decimal> expected;
    for (const std::string& t : texts) expected.push_back(sluice::decimal{t});
    std::sort(expected.begin(), expected.end());
    std::vector<sluice::decimal> got;
    for (const Extreme& e : db.query<Extreme>().where(col(&Extreme::v).is_not_null()).order_by(&Extreme::v).yield_per(2))
        got.push_back(*e.v);
    CHECK(got == expected);
    CHECK(got.back().to_string() == texts[0]);
    CHECK(got.front().to_string() == texts[1]);
    CHECK(db.query<Extreme>().where(col(&Extreme::v) > sluice::decimal{"0"}).count() == 3);
}
