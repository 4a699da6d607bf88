// expect: sluice: set() of an arithmetic expression to a column that is not numeric
#include <sluice/sluice.hpp>
struct Pay { std::int64_t id = 0; std::int32_t salary = 0; std::string note; };
int main() { auto a = sluice::set(&Pay::note, sluice::col(&Pay::salary) + 1); (void)a; }
