#pragma once
// Reading typed fields out of a config JSON with messages that name the file and the key.
// Missing optional keys and explicit nulls fall back to the given default, as diffusers does.

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rlfseg {

class JsonFields {
public:
    JsonFields(const nlohmann::json& object, std::string source);

    // Files from users are parsed with a nesting limit: a value nested deeper than kMaxDepth (a
    // damaged or hostile file) is an Error, not a stack overflow later in recursive code.
    static constexpr int kMaxDepth = 256;
    static nlohmann::json parseFile(const std::string& path); // throws Error naming the file and position
    static nlohmann::json parseText(const std::string& text, const std::string& source);

    bool has(const std::string& key) const; // present and not null
    int requireInt(const std::string& key) const;
    int optionalInt(const std::string& key, int fallback) const;
    double optionalNumber(const std::string& key, double fallback) const;
    bool optionalBool(const std::string& key, bool fallback) const;
    std::string optionalString(const std::string& key, const std::string& fallback) const;
    std::vector<int> requireIntList(const std::string& key) const;
    std::vector<std::string> requireStringList(const std::string& key) const;
    // An int or a list of ints (diffusers accepts both for per-block values): a scalar is repeated `count` times.
    std::vector<int> intOrList(const std::string& key, size_t count, int fallback) const;

    [[noreturn]] void fail(const std::string& key, const std::string& what) const;
    const std::string& source() const { return mSource; }

private:
    const nlohmann::json& mObject;
    std::string mSource;
};

} // namespace rlfseg
