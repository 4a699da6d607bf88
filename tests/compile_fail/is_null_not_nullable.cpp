// expect: sluice: is_null() on a column that cannot be NULL
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::string name; };
int main() { auto p = sluice::col(&Person::name).is_null(); (void)p; }
