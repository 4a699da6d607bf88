// The README's first example: a model, a filtered ordered scan with yield_per, a count.
#include <sluice/sluice.hpp>
#include <cstdio>

struct User {
    static constexpr std::string_view table_name = "users";
    std::int64_t id = 0;
    std::string name;
    std::int32_t age = 0;
    std::optional<std::string> bio;
};

int main() {
    sluice::session db{"sqlite://"};  // or "mariadb://user:password@127.0.0.1:3306/shop"
    db.create_table<User>();
    db.insert_many(std::vector<User>{{0, "ada", 36, "maths"}, {0, "alan", 41, {}}, {0, "grace", 85, "navy"}});

    db.on_statement([](const sluice::statement_event& e) { std::printf("  -- %s\n", std::string(e.sql).c_str()); });
    using sluice::col;
    auto q = db.query<User>().where(col(&User::age) >= 40 || col(&User::bio).is_null()).order_by(&User::name);
    for (const User& u : q.yield_per(1))
        std::printf("%s, %d\n", u.name.c_str(), u.age);
    std::printf("count: %llu\n", static_cast<unsigned long long>(q.count()));
}
