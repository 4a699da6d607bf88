// stream<R>: any SQL, its rows handed out one at a time into a typed row as the server sends
// them, in O(one row) memory.
//
//   struct CustomerTotal { std::uint16_t customer_id; std::string name; sluice::decimal total; std::int64_t payments; };
//   for (const CustomerTotal& r : db.stream<CustomerTotal>("SELECT ... AS total ... WHERE p.payment_date >= ?", since)) ...
//   for (auto [id, n] : db.stream<std::tuple<std::int64_t, std::int64_t>>(sql)) ...   // tuples: by position
//
// A row type is any aggregate of supported field types (no table, no key); result columns are
// matched to fields by name (use AS), case-insensitively. A std::tuple matches by position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <sluice/detail/field_names.hpp>
#include <sluice/model.hpp>
#include <sluice/session.hpp>

namespace sluice {

namespace detail {

// A row type's fields, as columns to read: by name, or by position for a tuple.
struct row_shape {
    std::string_view type_name;
    std::vector<column_info> fields;
    bool by_position = false;
};

template <class R> struct is_tuple : std::false_type {};
template <class... A> struct is_tuple<std::tuple<A...>> : std::true_type {};

template <class R, class Field> column_info row_field(std::string_view name, std::size_t offset, std::string_view type) {
    using traits = field_traits<typename column_type<Field>::type>;
    static_assert(traits::supported,
                  "sluice: a field of this stream<> row type has no SQL mapping: use an integer, bool, floating point, "
                  "std::string, sluice::blob, sluice::datetime, sluice::date, sluice::decimal, std::chrono::year, a "
                  "labelled enum, or std::optional of one (or specialize sluice::type_conversion)");
    column_info c{name, traits::kind, column_type<Field>::nullable, false, offset, codec_for<Field>, name, type, {}, false, {}, false};
    if constexpr (requires { traits::labels(); }) c.labels = traits::labels();
    if constexpr (requires { traits::label_set; }) c.label_set = traits::label_set;
    return c;
}

template <class R, std::size_t... I> row_shape build_row_shape(std::index_sequence<I...>) {
    static const R probe{};
    const auto* base = reinterpret_cast<const char*>(std::addressof(probe));
    constexpr std::string_view type = unqualified_type_name<R>();
    if constexpr (is_tuple<R>::value) {
        return {type,
                {row_field<R, std::tuple_element_t<I, R>>(
                    "", static_cast<std::size_t>(reinterpret_cast<const char*>(std::addressof(std::get<I>(probe))) - base), type)...},
                true};
    } else {
        return {type,
                {row_field<R, boost::pfr::tuple_element_t<I, R>>(
                    column_name_of<R>(I),
                    static_cast<std::size_t>(reinterpret_cast<const char*>(std::addressof(boost::pfr::get<I>(probe))) - base),
                    type)...},
                false};
    }
}

template <class R> const row_shape& row_shape_of() {
    static_assert(std::is_default_constructible_v<R>, "sluice: a stream<> row type must be default-constructible");
    if constexpr (is_tuple<R>::value) {
        static const row_shape shape = build_row_shape<R>(std::make_index_sequence<std::tuple_size_v<R>>{});
        return shape;
    } else {
        static_assert(std::is_aggregate_v<R>,
                      "sluice: a stream<> row type is an aggregate struct (fields matched by name) or a std::tuple (by position)");
        static const row_shape shape = build_row_shape<R>(std::make_index_sequence<boost::pfr::tuple_size_v<R>>{});
        return shape;
    }
}

// The statement behind a stream_range: open from construction to the last row or close().
class SLUICE_API raw_stream {
public:
    raw_stream(session& s, std::string_view sql, std::span<const value_ref> params, const row_shape& shape);
    raw_stream(raw_stream&&) noexcept;
    raw_stream& operator=(raw_stream&&) noexcept;
    ~raw_stream();
    // Reads the next row into `row` (an object of the shape's type); false after the last.
    bool next(void* row);
    std::uint64_t rows_read() const noexcept;
    // Ends the statement now, without reading the rest.
    void close() noexcept;

    struct state;

private:
    std::unique_ptr<state> state_;
};

}  // namespace detail

// An input range over a statement's rows; each row is valid until the iterator moves on.
// Breaking out, an exception in the loop body or destroying the range ends the statement at
// once (the rest is not read). See session::stream for where it runs and what the loop may do.
template <class R> class stream_range {
public:
    stream_range(session& s, std::string_view sql, std::span<const value_ref> params)
        : raw_(s, sql, params, detail::row_shape_of<R>()) {}

    class iterator {
    public:
        using iterator_concept = std::input_iterator_tag;
        using value_type = R;
        using difference_type = std::ptrdiff_t;

        iterator() = default;
        explicit iterator(stream_range* r) : range_(r) {}
        const R& operator*() const { return range_->row_; }
        const R* operator->() const { return &range_->row_; }
        iterator& operator++() {
            range_->advance();
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

    private:
        bool at_end() const noexcept { return !range_ || !range_->has_row_; }
        stream_range* range_ = nullptr;
    };

    // The first call reads the first row; later calls continue where iteration stopped.
    iterator begin() {
        if (!started_) {
            started_ = true;
            advance();
        }
        return iterator(this);
    }
    std::default_sentinel_t end() const noexcept { return {}; }

    // Rows handed out so far.
    std::uint64_t rows_read() const noexcept { return raw_.rows_read(); }
    // Ends the statement now (the range is then empty).
    void close() noexcept {
        raw_.close();
        has_row_ = false;
    }

private:
    void advance() { has_row_ = raw_.next(&row_); }

    detail::raw_stream raw_;
    R row_{};
    bool started_ = false;
    bool has_row_ = false;
};

template <class R, class... V> stream_range<R> session::stream(std::string_view sql, const V&... values) {
    const detail::bound_values<sizeof...(V)> bound{values...};
    return stream_range<R>(*this, sql, bound.span());
}

template <class R, class... V> std::vector<R> session::fetch_all(std::string_view sql, const V&... values) {
    std::vector<R> out;
    for (const R& r : stream<R>(sql, values...)) out.push_back(r);
    return out;
}

}  // namespace sluice
