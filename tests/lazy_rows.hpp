// Lazy generated input for the insert_many tests: fn(i) for i in [first, last), as
// std::views::iota | std::views::transform where the compiler can use libstdc++'s views.
#pragma once

#include <cstddef>
#include <functional>  // std::invoke
#include <ranges>
#include <type_traits>
#include <utility>

// clang before 16 checks the constraints of view_interface's members (data(), size()) as soon as
// a view class is instantiated, and so rejects every libstdc++ view (llvm-project#52696): there
// the tests get a minimal input range of the same values instead.
#if defined(__clang__) && __clang_major__ < 16 && defined(__GLIBCXX__)
#define SLUICE_TEST_STD_VIEWS 0
#else
#define SLUICE_TEST_STD_VIEWS 1
#endif

namespace support {

#if SLUICE_TEST_STD_VIEWS
template <class I, class F> auto map_iota(I first, I last, F fn) {
    return std::views::iota(first, last) | std::views::transform(std::move(fn));
}
#else
template <class I, class F> class mapped_iota {
public:
    mapped_iota(I first, I last, F fn) : first_(first), last_(last), fn_(std::move(fn)) {}

    class iterator {
    public:
        using value_type = std::remove_cvref_t<std::invoke_result_t<F&, I>>;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(mapped_iota* range, I at) : range_(range), at_(at) {}
        value_type operator*() const { return std::invoke(range_->fn_, at_); }
        iterator& operator++() {
            ++at_;
            return *this;
        }
        void operator++(int) { ++at_; }
        friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

    private:
        mapped_iota* range_ = nullptr;
        I at_{};
    };

    iterator begin() { return {this, first_}; }
    iterator end() { return {this, last_}; }

private:
    I first_, last_;
    F fn_;
};

template <class I, class F> mapped_iota<I, F> map_iota(I first, I last, F fn) { return {first, last, std::move(fn)}; }
#endif

}  // namespace support
