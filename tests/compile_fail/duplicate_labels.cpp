// expect: sluice: enum_labels must list at least one label and no label twice
#include <sluice/sluice.hpp>
enum class Color { red, green };
template <> inline constexpr auto sluice::enum_labels<Color> = std::array<std::string_view, 2>{"red", "red"};
struct Paint {
    std::int64_t id = 0;
    Color color = Color::red;
};
int main() { (void)sluice::table_of<Paint>(); }
