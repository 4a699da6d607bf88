// expect: sluice: arithmetic (+ - * /) takes numeric columns
#include <sluice/sluice.hpp>
struct Pay { std::int64_t id = 0; std::string note; };
int main() { auto e = sluice::col(&Pay::note) + 1; (void)e; }
