// Private: a small LRU of prepared statements keyed by SQL text. Keyset pages, inserts and
// lookups repeat the same few statements, so preparing each once matters on both backends.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::detail {

template <class Statement> class statement_cache {
public:
    explicit statement_cache(std::size_t capacity) : capacity_(capacity) {}

    // The cached statement for sql, moved to the front; nullptr when absent.
    Statement* find(std::string_view sql) {
        const auto it = index_.find(sql);
        if (it == index_.end()) return nullptr;
        entries_.splice(entries_.begin(), entries_, it->second);
        return it->second->statement.get();
    }

    Statement* add(std::string sql, std::unique_ptr<Statement> statement) {
        if (entries_.size() >= capacity_) {
            index_.erase(entries_.back().sql);
            entries_.pop_back();
        }
        entries_.push_front({std::move(sql), std::move(statement)});
        index_.emplace(entries_.front().sql, entries_.begin());
        return entries_.front().statement.get();
    }

    void clear() {
        index_.clear();
        entries_.clear();
    }

private:
    struct entry {
        std::string sql;
        std::unique_ptr<Statement> statement;
    };
    std::size_t capacity_;
    std::list<entry> entries_;
    // Keys view the strings owned by entries_ (list nodes never move).
    std::unordered_map<std::string_view, typename std::list<entry>::iterator> index_;
};

}  // namespace sluice::detail
