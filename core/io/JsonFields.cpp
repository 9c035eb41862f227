#include "core/io/JsonFields.h"

#include "core/io/AtomicFile.h"

#include <limits>

namespace rlfseg {

JsonFields::JsonFields(const nlohmann::json& object, std::string source)
    : mObject(object), mSource(std::move(source)) {
    if (!mObject.is_object()) throw Error(mSource + ": expected a JSON object at the top level");
}

nlohmann::json JsonFields::parseFile(const std::string& path) { return parseText(readFileToString(path), path); }

nlohmann::json JsonFields::parseText(const std::string& text, const std::string& source) {
    const nlohmann::json::parser_callback_t limitDepth = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > kMaxDepth)
            throw Error(source + ": JSON nested more than " + std::to_string(kMaxDepth) + " levels deep");
        return true;
    };
    try {
        return nlohmann::json::parse(text, limitDepth);
    } catch (const nlohmann::json::exception& e) {
        throw Error(source + ": malformed JSON (" + e.what() + ")");
    }
}

bool JsonFields::has(const std::string& key) const {
    auto it = mObject.find(key);
    return it != mObject.end() && !it->is_null();
}

void JsonFields::fail(const std::string& key, const std::string& what) const {
    throw Error(mSource + ": '" + key + "' " + what);
}

int JsonFields::requireInt(const std::string& key) const {
    if (!has(key)) fail(key, "is required but missing");
    const auto& v = mObject.at(key);
    if (!v.is_number_integer()) fail(key, "must be an integer");
    const auto wide = v.get<int64_t>();
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        fail(key, "is out of range (" + v.dump() + ")");
    return static_cast<int>(wide);
}

int JsonFields::optionalInt(const std::string& key, int fallback) const {
    return has(key) ? requireInt(key) : fallback;
}

double JsonFields::optionalNumber(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    const auto& v = mObject.at(key);
    if (!v.is_number()) fail(key, "must be a number");
    return v.get<double>();
}

bool JsonFields::optionalBool(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    const auto& v = mObject.at(key);
    if (!v.is_boolean()) fail(key, "must be true or false");
    return v.get<bool>();
}

std::string JsonFields::optionalString(const std::string& key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const auto& v = mObject.at(key);
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
}

std::vector<int> JsonFields::requireIntList(const std::string& key) const {
    if (!has(key)) fail(key, "is required but missing");
    const auto& v = mObject.at(key);
    if (!v.is_array() || v.empty()) fail(key, "must be a non-empty list of integers");
    std::vector<int> out;
    for (const auto& e : v) {
        if (!e.is_number_integer()) fail(key, "must be a non-empty list of integers");
        const auto wide = e.get<int64_t>();
        if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
            fail(key, "holds a value out of range (" + e.dump() + ")");
        out.push_back(static_cast<int>(wide));
    }
    return out;
}

std::vector<std::string> JsonFields::requireStringList(const std::string& key) const {
    if (!has(key)) fail(key, "is required but missing");
    const auto& v = mObject.at(key);
    if (!v.is_array() || v.empty()) fail(key, "must be a non-empty list of strings");
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string()) fail(key, "must be a non-empty list of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

std::vector<int> JsonFields::intOrList(const std::string& key, size_t count, int fallback) const {
    if (!has(key)) return std::vector<int>(count, fallback);
    const auto& v = mObject.at(key);
    if (v.is_number_integer()) return std::vector<int>(count, v.get<int>());
    std::vector<int> list = requireIntList(key);
    if (list.size() != count)
        fail(key, "has " + std::to_string(list.size()) + " entries but the model has " + std::to_string(count) + " blocks");
    return list;
}

} // namespace rlfseg
