// Private: ASCII case mapping for SQL keywords, type names and option values (never user data).
#pragma once

#include <string>
#include <string_view>

namespace sluice::detail {

inline std::string ascii_lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

inline std::string ascii_uppercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return out;
}

}  // namespace sluice::detail
