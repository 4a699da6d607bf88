// Column kinds, value references and their descriptions for logs; conversion failures.
#include <sluice/error.hpp>
#include <sluice/model.hpp>
#include <sluice/types.hpp>

#include "types/datetime.hpp"

namespace sluice {

std::string_view to_string(column_kind kind) noexcept {
    switch (kind) {
    case column_kind::boolean: return "bool";
    case column_kind::int8: return "int8";
    case column_kind::int16: return "int16";
    case column_kind::int32: return "int32";
    case column_kind::int64: return "int64";
    case column_kind::uint8: return "uint8";
    case column_kind::uint16: return "uint16";
    case column_kind::uint32: return "uint32";
    case column_kind::uint64: return "uint64";
    case column_kind::float32: return "float";
    case column_kind::float64: return "double";
    case column_kind::text: return "text";
    case column_kind::blob: return "blob";
    case column_kind::datetime: return "datetime";
    case column_kind::date: return "date";
    case column_kind::year: return "year";
    case column_kind::decimal: return "decimal";
    }
    return "unknown";
}

value_ref as_ref(const value& v) noexcept {
    return std::visit(
        [](const auto& x) -> value_ref {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string>) return std::string_view{x};
            else if constexpr (std::is_same_v<X, blob>) return std::span<const std::byte>{x};
            else return x;
        },
        v);
}

namespace detail {
void throw_unknown_label(std::string_view found, std::span<const std::string_view> labels) {
    std::string known;
    for (std::string_view l : labels) known += (known.empty() ? "'" : ", '") + std::string(l) + "'";
    throw cell_mismatch{"unknown label '" + std::string(found) + "', expected one of " + known};
}

void throw_unlabelled_value(long long value, std::size_t labels) {
    throw cell_mismatch{"enum value " + std::to_string(value) + " has no label (enum_labels has " +
                        std::to_string(labels) + ", for the values 0 to " + std::to_string(labels - 1) + ")"};
}

void store_ref(value& dst, const value_ref& src) {
    std::visit(
        [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string_view>) {
                if (auto* s = std::get_if<std::string>(&dst)) s->assign(x.data(), x.size());
                else dst.emplace<std::string>(x);
            } else if constexpr (std::is_same_v<X, std::span<const std::byte>>) {
                if (auto* b = std::get_if<blob>(&dst)) b->assign(x.begin(), x.end());
                else dst.emplace<blob>(x.begin(), x.end());
            } else {
                dst = x;
            }
        },
        src);
}

}  // namespace detail

namespace {
// Appends rather than `"'" + text + "'"`: GCC 12 at -O3 warns (-Wrestrict, a false positive,
// GCC PR 105329) on the insert at the front that `const char* + std::string&&` does.
std::string single_quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
}
}  // namespace

std::string describe(const value_ref& v, std::size_t max_chars) {
    auto cut = [max_chars](std::string s) {
        if (s.size() > max_chars) s = s.substr(0, max_chars) + "...";
        return s;
    };
    return std::visit(
        [&](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, null_t>) return "NULL";
            else if constexpr (std::is_same_v<X, std::int64_t> || std::is_same_v<X, std::uint64_t>) return std::to_string(x);
            else if constexpr (std::is_same_v<X, double>) return cut(std::to_string(x));
            else if constexpr (std::is_same_v<X, std::string_view>) {
                std::string s(x.substr(0, max_chars + 1));
                for (char& c : s)
                    if (static_cast<unsigned char>(c) < 0x20) c = '?';  // keep the log one line
                return single_quoted(cut(std::move(s)));
            } else if constexpr (std::is_same_v<X, std::span<const std::byte>>) return "<blob " + std::to_string(x.size()) + " bytes>";
            else if constexpr (std::is_same_v<X, datetime>) {
                char text[detail::datetime_text_size + 1];
                return detail::format_datetime(x, text) ? single_quoted(text) : "<datetime out of range>";
            } else if constexpr (std::is_same_v<X, date>) {
                char text[detail::date_text_size + 1];
                return detail::format_date(x, text) ? single_quoted(text) : "<date out of range>";
            } else {
                return x.to_string();
            }
        },
        v);
}

namespace detail {

void throw_out_of_range(std::string_view target_type, std::string_view found) {
    throw cell_mismatch{"value " + std::string(found) + " does not fit " + std::string(target_type)};
}

void throw_null_into_non_optional() {
    throw cell_mismatch{"NULL read into a non-optional field (make the field std::optional, or the column NOT NULL)"};
}

}  // namespace detail
}  // namespace sluice
