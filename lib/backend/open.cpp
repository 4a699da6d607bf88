// Opening a connection: the URL's backend chooses the implementation.
#include "backend/connection.hpp"
#include "backend/url.hpp"

namespace sluice::detail {

std::unique_ptr<connection> open_connection(const connection_target& target) {
    return target.backend == backend_kind::sqlite ? open_sqlite(target) : open_mysql(target);
}

}  // namespace sluice::detail
