#pragma once
// A small least-recently-used map: the pipeline's image-latent and prompt-embedding caches.

#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace rlfseg {

template <typename Key, typename Value>
class LruCache {
public:
    explicit LruCache(size_t capacity) : mCapacity(capacity) {}

    std::optional<Value> find(const Key& key) {
        auto it = mIndex.find(key);
        if (it == mIndex.end()) return std::nullopt;
        mItems.splice(mItems.begin(), mItems, it->second); // now the most recent
        return it->second->second;
    }

    void insert(const Key& key, Value value) {
        if (mCapacity == 0) return;
        if (auto it = mIndex.find(key); it != mIndex.end()) {
            it->second->second = std::move(value);
            mItems.splice(mItems.begin(), mItems, it->second);
            return;
        }
        mItems.emplace_front(key, std::move(value));
        mIndex[key] = mItems.begin();
        if (mItems.size() > mCapacity) {
            mIndex.erase(mItems.back().first);
            mItems.pop_back();
        }
    }

    void clear() {
        mItems.clear();
        mIndex.clear();
    }
    size_t size() const { return mItems.size(); }

private:
    size_t mCapacity;
    std::list<std::pair<Key, Value>> mItems;
    std::unordered_map<Key, typename std::list<std::pair<Key, Value>>::iterator> mIndex;
};

} // namespace rlfseg
