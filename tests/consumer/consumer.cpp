// Built outside the tree against an installed sluice (pkg-config sluice): the whole public
// surface must compile, link and work from the installed headers alone.
#include <sluice/sluice.hpp>

#include <cstdio>

struct Note {
    std::int64_t id = 0;
    std::string text;
};

int main() {
    sluice::session db{"sqlite://"};
    db.create_table<Note>();
    Note n{0, "installed"};
    db.insert(n);
    const auto back = db.get<Note>(n.id);
    if (!back || back->text != "installed") return 1;
    std::puts("consumer ok");
    return 0;
}
