// expect: sluice: arithmetic on a 64-bit unsigned column
#include <sluice/sluice.hpp>
struct Counter { std::int64_t id = 0; std::uint64_t hits = 0; };
int main() { auto e = sluice::col(&Counter::hits) * 2; (void)e; }
