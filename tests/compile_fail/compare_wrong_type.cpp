// expect: sluice: the value's type does not match the column's type
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::int32_t age = 0; };
int main() { auto p = sluice::col(&Person::age) > "thirty"; (void)p; }
