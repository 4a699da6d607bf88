// sluice demo: a real workload on the embedded SQLite default.
// Creates a table, bulk-inserts N generated rows (consumed lazily), then streams them back with
// yield_per in bounded memory, printing progress and the process's peak memory.
#include <sluice/sluice.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ranges>
#include <string>

struct User {
    static constexpr std::string_view table_name = "users";
    static constexpr std::array<std::string_view, 1> indexes{"age"};
    std::int64_t id = 0;
    std::string name;
    std::int32_t age = 0;
    double score = 0;
    sluice::datetime created_at{};
    std::optional<std::string> bio;
};

namespace {

// Peak resident set size of this process so far, in MiB (VmHWM from /proc).
double peak_rss_mib() {
    std::ifstream status("/proc/self/status");
    std::string key;
    long kib = 0;
    while (status >> key) {
        if (key == "VmHWM:") {
            status >> kib;
            break;
        }
        std::getline(status, key);
    }
    return static_cast<double>(kib) / 1024.0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

User make_user(std::int64_t i) {
    return User{0,
                "user-" + std::to_string(i),
                static_cast<std::int32_t>(i * 7919 % 100),
                static_cast<double>(i % 1000) / 10.0,
                sluice::datetime{std::chrono::seconds{1'600'000'000 + i * 37}},
                i % 3 ? std::optional<std::string>("bio of user " + std::to_string(i)) : std::nullopt};
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t rows = 1'000'000;
    std::string path = "sluice-demo.db";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--rows") rows = std::atoll(argv[i + 1]);
        else if (flag == "--db") path = argv[i + 1];
    }
    try {
        std::remove(path.c_str());
        sluice::session db{"sqlite:///" + path};
        db.create_table<User>();

        std::printf("inserting %lld users into %s ...\n", static_cast<long long>(rows), path.c_str());
        auto start = std::chrono::steady_clock::now();
        const auto generated = std::views::iota(std::int64_t{0}, rows) | std::views::transform(make_user);
        const std::uint64_t inserted = db.insert_many(generated);
        std::printf("inserted %llu rows in %.2f s (%.0f rows/s), peak memory %.1f MiB\n",
                    static_cast<unsigned long long>(inserted), seconds_since(start), inserted / seconds_since(start),
                    peak_rss_mib());

        using sluice::col;
        const auto adults = db.query<User>().where(col(&User::age) >= 18 && col(&User::bio).is_not_null()).order_by(&User::age);
        std::printf("streaming %llu matching rows with yield_per(1000) ...\n", static_cast<unsigned long long>(adults.count()));
        start = std::chrono::steady_clock::now();
        std::uint64_t seen = 0;
        double score_sum = 0;
        const std::uint64_t report_every = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rows) / 5);
        for (const User& u : adults.yield_per(1000)) {
            score_sum += u.score;
            if (++seen % report_every == 0)
                std::printf("  %9llu rows  %6.2f s  peak memory %.1f MiB\n", static_cast<unsigned long long>(seen),
                            seconds_since(start), peak_rss_mib());
        }
        std::printf("streamed %llu rows in %.2f s (%.0f rows/s), mean score %.3f, peak memory %.1f MiB\n",
                    static_cast<unsigned long long>(seen), seconds_since(start), seen / seconds_since(start),
                    seen ? score_sum / static_cast<double>(seen) : 0.0, peak_rss_mib());

        // The SQL of one keyset page, with its bound values.
        db.on_statement([](const sluice::statement_event& e) {
            std::printf("SQL: %.*s\n  values:", static_cast<int>(e.sql.size()), e.sql.data());
            for (const auto& v : e.values) std::printf(" %s", v.c_str());
            std::printf("\n");
        });
        auto second_page = adults.limit(4).yield_per(2);
        auto it = second_page.begin();
        ++it;
        ++it;  // crosses into page two: its SELECT carries the keyset predicate
        return 0;
    } catch (const sluice::error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
