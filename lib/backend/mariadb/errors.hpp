// Private to the MariaDB backend: what an error code leaves of the connection: usable, lost (retry), or closed.
#pragma once

#include <mysql.h>
#include <errmsg.h>

#include <cstdint>

#include "backend/connection.hpp"

namespace sluice::detail::mariadb {

// What an error code says about the connection it came from.
enum class after_error : std::uint8_t {
    usable,  // the statement failed; the connection goes on
    lost,    // the connection is gone; the same statement on a new one may well succeed
    closed,  // the connection cannot go on, but repeating the statement would fail the same way
};

inline after_error classify(unsigned code) {
    switch (code) {
    case CR_SERVER_GONE_ERROR: case CR_SERVER_LOST: case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:                                                  // ER_CONNECTION_KILLED
    case 1053:                                                  // ER_SERVER_SHUTDOWN
    case 1158: case 1159: case 1160: case 1161:                 // ER_NET_READ_ERROR ... ER_NET_WRITE_INTERRUPTED
    case 4031:                                                  // MySQL 8: idle client timed out
        return after_error::lost;
    // The server hangs up after these (1153: a packet above max_allowed_packet), or the client's
    // view of the protocol is out of step with the server's.
    case 1153: case 1154: case 1155: case 1156: case 1157:      // ER_NET_PACKET_TOO_LARGE ... ER_NET_UNCOMPRESS_ERROR
    case CR_COMMANDS_OUT_OF_SYNC: case CR_NET_PACKET_TOO_LARGE: case CR_MALFORMED_PACKET:
        return after_error::closed;
    default:
        return after_error::usable;
    }
}

}  // namespace sluice::detail::mariadb
