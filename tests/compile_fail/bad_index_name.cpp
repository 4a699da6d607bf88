// expect: sluice: indexes or unique_indexes names a field the model does not have
#include <sluice/sluice.hpp>
struct Item {
    static constexpr std::array<std::string_view, 1> indexes{"sku,colour"};
    std::int64_t id = 0;
    std::string sku;
};
int main() { (void)sluice::table_of<Item>(); }
