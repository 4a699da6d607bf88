// parallel_for_each: scan the parts of a query at once, one thread and one pooled session each.
//
//   auto parts = db.query<User>().where(...).partitions(4);
//   sluice::parallel_for_each(pool, parts, 1000, [](const User& u) { ... });   // fn runs concurrently
#pragma once

#include <atomic>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <sluice/cursor.hpp>
#include <sluice/error.hpp>
#include <sluice/pool.hpp>

namespace sluice {

// One or more parts failed. All parts have stopped; resume_tokens()[i] continues part i
// (parts[i].resume(token)) and is empty for parts that finished.
class parallel_error : public error {
public:
    parallel_error(const std::string& message, std::vector<std::string> tokens, std::exception_ptr first)
        : error(message), tokens_(std::move(tokens)), first_(std::move(first)) {}
    const std::vector<std::string>& resume_tokens() const noexcept { return tokens_; }
    // The first part's exception, to rethrow or inspect.
    const std::exception_ptr& first_error() const noexcept { return first_; }

private:
    std::vector<std::string> tokens_;
    std::exception_ptr first_;
};

// Runs each part as its own yield_per(page_size) on its own session from `pool`, in its own
// thread, calling fn(const T&) concurrently (parts of a join_query: fn(const row_type&)). When a
// part fails the others stop at their next row; then parallel_error reports every unfinished
// part's position.
template <class Q, class F>
void parallel_for_each(pool& sessions, const std::vector<Q>& parts, std::size_t page_size, F fn) {
    std::vector<std::string> tokens(parts.size());
    std::vector<std::exception_ptr> errors(parts.size());
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    threads.reserve(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                auto lease = sessions.acquire();
                auto range = parts[i].on(*lease).yield_per(page_size);
                try {
                    for (const auto& row : range) {
                        if (stop.load(std::memory_order_relaxed)) {
                            tokens[i] = range.token_before_current();
                            return;
                        }
                        fn(row);
                    }
                } catch (...) {
                    tokens[i] = range.token_before_current();
                    throw;
                }
            } catch (const connection_error& e) {
                if (!e.resume_token().empty()) tokens[i] = e.resume_token();
                errors[i] = std::current_exception();
                stop = true;
            } catch (...) {
                errors[i] = std::current_exception();
                stop = true;
            }
        });
    }
    for (std::thread& t : threads) t.join();
    std::exception_ptr first;
    std::size_t failed = 0;
    std::string message;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (!errors[i]) continue;
        ++failed;
        if (!first) {
            first = errors[i];
            try {
                std::rethrow_exception(errors[i]);
            } catch (const std::exception& e) {
                message = "part " + std::to_string(i) + ": " + e.what();
            } catch (...) {
                message = "part " + std::to_string(i) + ": unknown exception";
            }
        }
    }
    if (first)
        throw parallel_error("sluice: parallel_for_each: " + std::to_string(failed) + " of " + std::to_string(parts.size()) +
                                 " parts failed; the others stopped (resume each from resume_tokens()); first: " + message,
                             std::move(tokens), first);
}

// Splits q into `parts` partitions and runs them as above.
template <class T, class F>
void parallel_for_each(pool& sessions, const query<T>& q, std::size_t parts, std::size_t page_size, F fn) {
    parallel_for_each(sessions, q.partitions(parts), page_size, std::move(fn));
}

}  // namespace sluice
