// expect: sluice: like() applies to text columns only
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::int32_t age = 0; };
int main() { auto p = sluice::col(&Person::age).like("3%"); (void)p; }
