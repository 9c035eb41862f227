#pragma once
// Reading nested JSON documents (data sets, projects, COCO files) with errors that name the file
// and the JSON path: ".../refs.json: [12].ann_ids[1]: unknown annotation id 99". No LibTorch.

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rlfseg {

struct JsonPath {
    std::string file;

    [[noreturn]] void fail(const std::string& path, const std::string& what) const;

    static std::string key(const std::string& path, const std::string& k) { return path.empty() ? k : path + "." + k; }
    static std::string index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }
    // A value as it appears in a message: its JSON text, cut short when long.
    static std::string preview(const nlohmann::json& value);

    // The value of key `k` of `object` (not null); fails naming `path` when absent or not an object.
    const nlohmann::json& require(const nlohmann::json& object, const std::string& path, const std::string& k) const;
    // Whether `object` has `k` with a non-null value.
    static bool has(const nlohmann::json& object, const std::string& k);

    int toInt(const nlohmann::json& value, const std::string& path) const;
    int64_t toInt64(const nlohmann::json& value, const std::string& path) const;
    double toNumber(const nlohmann::json& value, const std::string& path) const; // finite
    int requireInt(const nlohmann::json& object, const std::string& path, const std::string& k) const;
    int64_t requireInt64(const nlohmann::json& object, const std::string& path, const std::string& k) const;
    std::string requireString(const nlohmann::json& object, const std::string& path, const std::string& k) const;
    const nlohmann::json& requireArray(const nlohmann::json& object, const std::string& path, const std::string& k) const;
};

} // namespace rlfseg
