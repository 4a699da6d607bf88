// yield_per / batches: lazy keyset-paginated iteration in O(page) memory.
//
//   for (const User& u : db.query<User>().where(...).order_by(&User::created_at).yield_per(1000)) ...
//   for (std::span<const User> batch : q.batches(1000)) ...
//
// Each page is one bounded SELECT: the filters, a keyset predicate "after the last row seen",
// ORDER BY the order keys then the primary key, LIMIT n. Nothing stays open between pages,
// so the session can run other statements (writes included) inside the loop. One buffer of n
// objects is refilled in place; after the first page, strings that fit their capacity allocate
// nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <sluice/detail/query_spec.hpp>
#include <sluice/query.hpp>

namespace sluice {

// Where a scan stopped: pass to query<T>::resume() to continue exactly after that row.
// A token only resumes the query it came from (same table, filters and order).
using resume_token = std::string;


namespace detail {

// The non-template keyset pager behind yield_per and batches.
class SLUICE_API pager {
public:
    pager(const session_handle& s, query_spec spec, std::size_t page_size);
    pager(pager&&) noexcept;
    pager& operator=(pager&&) noexcept;
    ~pager();

    // Reads the next page into slot(0), slot(1), ...; returns how many rows it read, 0 at the
    // end. After a short page it returns 0 without asking the database again. `slot` must be the
    // spare buffer given to set_spare_buffer (a prefetched page may already be there).
    std::size_t next_page(function_ref<void*(std::size_t)> slot);
    // Where a prefetched page goes when it must be read before the next next_page().
    void set_spare_buffer(std::function<void*(std::size_t)> slot);
    // The position after `row` (an object of the current page), row number `rows_handed_out`.
    resume_token token_after(const void* row, std::uint64_t rows_handed_out) const;
    // The position after the last row of the last page read (before the first page: where the
    // scan starts, which is the resumed position if any).
    resume_token position_token() const;
    // Where this scan started (its resume point, or the beginning).
    resume_token start_token_for_first_page() const;
    std::uint64_t rows_before_page() const noexcept;
    std::chrono::nanoseconds elapsed() const noexcept;

private:
    struct state;
    void prefetch(session_impl& impl);
    std::unique_ptr<state> state_;
};

// T: the row object (a model, or a join's std::tuple of models).
template <class T> struct cursor_state {
    cursor_state(const session_handle& s, const query_spec& spec, std::size_t n) : pages(s, spec, n) {
        buffer.reserve(n);
        // A prefetched page is read into the spare buffer, even between fetch() calls.
        pages.set_spare_buffer([this](std::size_t i) -> void* { return spare_slot(i); });
    }

    void* spare_slot(std::size_t i) {
        if (i == spare.size()) spare.emplace_back();
        return &spare[i];
    }

    void fetch() {
        if (started_pages) previous_page_token = pages.position_token();
        started_pages = true;
        position = 0;
        rows = pages.next_page([this](std::size_t i) -> void* { return spare_slot(i); });
        std::swap(buffer, spare);
        if (rows > 0 && on_batch) {
            const resume_token token = pages.position_token();
            on_batch(batch_progress{pages.rows_before_page() + rows, rows, pages.elapsed(), token});
        }
    }
    void start() {
        if (started) return;
        started = true;
        fetch();
    }

    pager pages;
    // The page handed out, and the next one (read, or being read by a prefetch); each grows to the
    // page size once and is then refilled in place.
    std::vector<T> buffer, spare;
    std::size_t rows = 0;
    std::size_t position = 0;
    bool started = false;
    bool started_pages = false;
    resume_token previous_page_token;  // the position before the current page's first row
    std::function<void(const batch_progress&)> on_batch;
};

// What yield_range and batch_range share: the state, the progress callback, the token.
template <class T, class Derived> class range_base {
public:
    range_base(const query<T>& q, std::size_t page_size)
        : range_base(query_access::session(q), query_access::spec(q), page_size) {}
    range_base(const session_handle& s, const query_spec& spec, std::size_t page_size)
        : state_(std::make_unique<cursor_state<T>>(s, spec, page_size)) {}

    // Called after each page is read, for progress bars and checkpoints.
    Derived& on_batch(std::function<void(const batch_progress&)> callback) & {
        state_->on_batch = std::move(callback);
        return static_cast<Derived&>(*this);
    }
    // On a temporary (the usual `for (... : q.yield_per(n).on_batch(cb))`), return the range by
    // value: a reference would dangle once the range-for's initialiser ends.
    Derived on_batch(std::function<void(const batch_progress&)> callback) && {
        state_->on_batch = std::move(callback);
        return static_cast<Derived&&>(*this);
    }

    std::default_sentinel_t end() const noexcept { return {}; }

protected:
    std::unique_ptr<cursor_state<T>> state_;
};

}  // namespace detail

// An input range over the query's rows. Iterators yield const T&, valid until the iterator
// moves past the end of the current page.
template <class T> class yield_range : public detail::range_base<T, yield_range<T>> {
    using base = detail::range_base<T, yield_range<T>>;

public:
    using base::base;

    class iterator {
    public:
        using iterator_concept = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;

        iterator() = default;
        explicit iterator(detail::cursor_state<T>* s) : state_(s) {}

        const T& operator*() const { return state_->buffer[state_->position]; }
        const T* operator->() const { return &state_->buffer[state_->position]; }
        iterator& operator++() {
            if (++state_->position == state_->rows) state_->fetch();
            return *this;
        }
        // Post-increment returns void: an input iterator cannot hand out its old position,
        // whose row may already be overwritten by the next page.
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& it, std::default_sentinel_t) {
            return it.state_ == nullptr || it.state_->position >= it.state_->rows;
        }

    private:
        detail::cursor_state<T>* state_ = nullptr;
    };

    // The first call reads the first page; later calls continue where iteration stopped.
    iterator begin() {
        this->state_->start();
        return iterator(this->state_.get());
    }

    // The position after the row the iterator points at (the last one handed out), or where
    // the scan starts if it has not begun.
    resume_token token() const {
        const auto& s = *this->state_;
        if (s.started && s.position < s.rows)
            return s.pages.token_after(&s.buffer[s.position], s.pages.rows_before_page() + s.position + 1);
        return s.pages.position_token();
    }

    // The position before the row the iterator points at: resuming from it hands that row
    // out again (for a row whose processing failed).
    resume_token token_before_current() const {
        const auto& s = *this->state_;
        if (!s.started || s.position >= s.rows) return token();
        if (s.position > 0)
            return s.pages.token_after(&s.buffer[s.position - 1], s.pages.rows_before_page() + s.position);
        return s.previous_page_token.empty() ? s.pages.start_token_for_first_page() : s.previous_page_token;
    }
};

// The same pages as yield_per, a std::span<const T> each; a batch is valid until the next.
template <class T> class batch_range : public detail::range_base<T, batch_range<T>> {
    using base = detail::range_base<T, batch_range<T>>;

public:
    using base::base;

    class iterator {
    public:
        using iterator_concept = std::input_iterator_tag;
        using value_type = std::span<const T>;
        using difference_type = std::ptrdiff_t;

        iterator() = default;
        explicit iterator(detail::cursor_state<T>* s) : state_(s) {}

        std::span<const T> operator*() const { return {state_->buffer.data(), state_->rows}; }
        iterator& operator++() {
            state_->fetch();
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& it, std::default_sentinel_t) {
            return it.state_ == nullptr || it.state_->rows == 0;
        }

    private:
        detail::cursor_state<T>* state_ = nullptr;
    };

    iterator begin() {
        this->state_->start();
        return iterator(this->state_.get());
    }

    // The position after the last row of the current batch.
    resume_token token() const { return this->state_->pages.position_token(); }
};

// query<T>::select(&T::a, &T::b): the named columns as std::tuple<A, B>.
template <class T, class... M> class projection {
public:
    using row = std::tuple<M...>;
    projection(const query<T>& q, std::vector<std::size_t> columns) : query_(q), columns_(std::move(columns)) {}

    // One SELECT of these columns, in the query's order (limit and offset apply).
    std::vector<row> all() const {
        std::vector<row> out;
        const detail::query_spec& spec = detail::query_access::spec(query_);
        detail::run_select(detail::query_access::session(query_), spec, columns_, [&](detail::row_reader& r) {
            out.emplace_back();
            read(r, out.back(), std::index_sequence_for<M...>{});
        });
        return out;
    }
    operator std::vector<row>() const { return all(); }
    friend bool operator==(const projection& p, const std::vector<row>& v) { return p.all() == v; }
    // Used as a vector (size(), [i], a range-for), the projection runs all() once and keeps the rows.
    typename std::vector<row>::const_iterator begin() const { return rows().begin(); }
    typename std::vector<row>::const_iterator end() const { return rows().end(); }
    std::size_t size() const { return rows().size(); }
    bool empty() const { return rows().empty(); }
    const row& operator[](std::size_t i) const { return rows()[i]; }

    // Keyset pages of these columns (the query's order keys and primary key are read too, to
    // position the next page); rows are handed out as tuples, by value.
    class range {
    public:
        range(const query<T>& q, std::size_t page_size, const std::vector<std::size_t>& columns) : rows_(q.yield_per(page_size)) {
            for (std::size_t c : columns) offsets_.push_back(table_of<T>().columns[c].offset);
        }
        class iterator {
        public:
            using iterator_concept = std::input_iterator_tag;
            using value_type = row;
            using difference_type = std::ptrdiff_t;
            iterator() = default;
            iterator(const range* r, typename yield_range<T>::iterator it) : range_(r), it_(it) {}
            row operator*() const { return range_->project(*it_, std::index_sequence_for<M...>{}); }
            iterator& operator++() {
                ++it_;
                return *this;
            }
            void operator++(int) { ++*this; }
            friend bool operator==(const iterator& it, std::default_sentinel_t s) { return it.it_ == s; }

        private:
            const range* range_ = nullptr;
            typename yield_range<T>::iterator it_;
        };
        iterator begin() { return iterator(this, rows_.begin()); }
        std::default_sentinel_t end() const noexcept { return {}; }
        // As yield_range's: the position after the last tuple handed out.
        resume_token token() const { return rows_.token(); }
        range& on_batch(std::function<void(const batch_progress&)> callback) & {
            rows_.on_batch(std::move(callback));
            return *this;
        }
        range on_batch(std::function<void(const batch_progress&)> callback) && {
            rows_.on_batch(std::move(callback));
            return std::move(*this);
        }

    private:
        // The selected fields of a page object, copied out (their types are exactly M...).
        template <std::size_t... I> row project(const T& obj, std::index_sequence<I...>) const {
            const auto* base = reinterpret_cast<const char*>(&obj);
            return row{*reinterpret_cast<const M*>(base + offsets_[I])...};
        }
        yield_range<T> rows_;
        std::vector<std::size_t> offsets_;
    };
    range yield_per(std::size_t page_size) const { return range(scan_query(), page_size, columns_); }

private:
    query<T> scan_query() const {
        query<T> q = query_;
        q.spec_.columns = columns_;
        return q;
    }
    template <std::size_t... I> void read(detail::row_reader& r, row& out, std::index_sequence<I...>) const {
        const table_info& t = table_of<T>();
        (detail::read_column(t, columns_[I], r, static_cast<int>(I), &std::get<I>(out),
                             detail::codec_for<std::tuple_element_t<I, row>>.read),
         ...);
    }

    const std::vector<row>& rows() const {
        if (!cache_) cache_ = std::make_shared<const std::vector<row>>(all());
        return *cache_;
    }

    query<T> query_;
    std::vector<std::size_t> columns_;
    mutable std::shared_ptr<const std::vector<row>> cache_;  // all(), once used as a vector
};

template <class T> yield_range<T> query<T>::yield_per(std::size_t page_size) const { return {*this, page_size}; }
template <class T> batch_range<T> query<T>::batches(std::size_t page_size) const { return {*this, page_size}; }

}  // namespace sluice
