// Raw SQL, the escape hatch: execute, scalar and rows, every value bound.
#include "session/session_impl.hpp"
#include "types/datetime.hpp"

namespace sluice {

std::uint64_t session::execute(std::string_view sql, std::span<const value_ref> values) {
    try {
        return impl().run(sql, values);
    } catch (const detail::bind_mismatch& m) {
        throw conversion_error("sluice: value " + std::to_string(m.index + 1) + " of [" + std::string(sql) + "]: " + m.what);
    }
}

namespace {

// Any cell as text. MariaDB's binary protocol sends numbers and times in binary form; the
// storage class decides which getter succeeds.
std::optional<std::string> cell_text(detail::row_reader& row, int c) {
    if (row.is_null(c)) return std::nullopt;
    try { return std::string(row.get_text(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_int64(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_uint64(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_double(c)); } catch (const detail::cell_mismatch&) {}
    try { return describe(row.get_datetime(c), 64).substr(1, detail::datetime_text_size); } catch (const detail::cell_mismatch&) {}
    return describe(row.get_date(c), 64).substr(1, detail::date_text_size);
}

}  // namespace

std::optional<std::string> session::scalar(std::string_view sql, std::span<const value_ref> values) {
    std::optional<std::string> out;
    bool first = true;
    impl().run(sql, values, [&](detail::row_reader& row) {
        if (std::exchange(first, false)) out = cell_text(row, 0);
    });
    return out;
}

std::vector<raw_row> session::rows(std::string_view sql, std::span<const value_ref> values) {
    std::vector<raw_row> out;
    impl().run(sql, values, [&](detail::row_reader& row) {
        raw_row r;
        for (int c = 0; c < row.columns(); ++c) r.push_back(cell_text(row, c));
        out.push_back(std::move(r));
    });
    return out;
}


}  // namespace sluice
