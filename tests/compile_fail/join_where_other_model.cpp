// expect: sluice: where() names a model that this join does not have: join it first
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::int64_t team = 0; };
struct Team { std::int64_t id = 0; };
struct Badge { std::int64_t id = 0; };
int main() {
    sluice::session db{"sqlite://"};
    auto q = db.query<Person>().join<Team>(sluice::col(&Person::team) == sluice::col(&Team::id)).where(sluice::col(&Badge::id) == 1);
    (void)q;
}
