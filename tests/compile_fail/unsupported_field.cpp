// expect: sluice: a model field has a type with no SQL mapping
#include <map>
#include <sluice/sluice.hpp>
struct Config { std::int64_t id = 0; std::map<std::string, std::string> values; };
int main() { (void)sluice::table_of<Config>(); }
