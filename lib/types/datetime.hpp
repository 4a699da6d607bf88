// Private: the text forms of datetime and date (SQLite storage, statement log).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sluice/types.hpp>

namespace sluice::detail {

// "YYYY-MM-DD HH:MM:SS.ffffff": fixed width, so text order is time order. Years 0000-9999.
constexpr std::size_t datetime_text_size = 26;
bool format_datetime(datetime t, char (&out)[datetime_text_size + 1]) noexcept;
std::optional<datetime> parse_datetime(std::string_view text) noexcept;
// "YYYY-MM-DD"
constexpr std::size_t date_text_size = 10;
bool format_date(date d, char (&out)[date_text_size + 1]) noexcept;
std::optional<date> parse_date(std::string_view text) noexcept;

}  // namespace sluice::detail
