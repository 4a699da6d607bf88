// expect: sluice: comparing a column with std::nullopt is never true in SQL
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::optional<std::string> nickname; };
int main() { auto p = sluice::col(&Person::nickname) == std::nullopt; (void)p; }
