// Private: resume tokens shared by yield_per/batches and the batched mutations.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/detail/query_spec.hpp>

namespace sluice::detail {

// Identifies "the same query" for tokens: table, filters with their values, order.
// `extra`: more of the query's identity (a grouped scan's keys, items and HAVING), hashed with it.
std::string fingerprint(const query_spec& q, std::string_view extra = {});
std::string encode_token(std::string_view fingerprint, std::span<const value_ref> key, std::uint64_t rows);
// Throws sluice::error if the token is malformed or belongs to another query.
void decode_token(std::string_view token, const query_spec& q, std::string_view fingerprint, std::size_t key_columns,
                  std::vector<value>& key, std::uint64_t& rows);

}  // namespace sluice::detail
