// expect: sluice: set() of a floating-point expression to an integer column
#include <sluice/sluice.hpp>
struct Pay { std::int64_t id = 0; std::int32_t salary = 0; };
int main() { auto a = sluice::set(&Pay::salary, sluice::col(&Pay::salary) * 1.03); (void)a; }
