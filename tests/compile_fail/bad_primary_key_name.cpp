// expect: sluice: primary_key names a field the model does not have
#include <sluice/sluice.hpp>
struct Line {
    static constexpr std::array<std::string_view, 2> primary_key{"order_id", "line_no"};
    std::int64_t order_id = 0;
    std::int32_t line = 0;
};
int main() { (void)sluice::table_of<Line>(); }
