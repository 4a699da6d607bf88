// sluice: a lightweight C++20 ORM for MariaDB/MySQL and SQLite. Include this one header.
#pragma once

#include <sluice/aggregate.hpp>
#include <sluice/cursor.hpp>
#include <sluice/error.hpp>
#include <sluice/expr.hpp>
#include <sluice/join.hpp>
#include <sluice/model.hpp>
#include <sluice/options.hpp>
#include <sluice/parallel.hpp>
#include <sluice/pool.hpp>
#include <sluice/query.hpp>
#include <sluice/session.hpp>
#include <sluice/stream.hpp>
#include <sluice/transaction.hpp>
#include <sluice/types.hpp>
