// expect: sluice: this model is already part of the query: a self-join needs a second model
#include <sluice/sluice.hpp>
struct Person { std::int64_t id = 0; std::int64_t boss = 0; };
int main() {
    sluice::session db{"sqlite://"};
    auto q = db.query<Person>().join<Person>(sluice::col(&Person::boss) == sluice::col(&Person::id));
    (void)q;
}
