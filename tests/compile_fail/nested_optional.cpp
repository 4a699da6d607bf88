// expect: sluice: a model field has a type with no SQL mapping
#include <sluice/sluice.hpp>
struct Odd { std::int64_t id = 0; std::optional<std::optional<int>> twice; };
int main() { (void)sluice::table_of<Odd>(); }
