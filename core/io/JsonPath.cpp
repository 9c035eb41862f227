#include "core/io/JsonPath.h"

#include <cmath>
#include <limits>

namespace rlfseg {

using nlohmann::json;

void JsonPath::fail(const std::string& path, const std::string& what) const {
    throw Error(file + ": " + (path.empty() ? std::string() : path + ": ") + what);
}

const json& JsonPath::require(const json& object, const std::string& path, const std::string& k) const {
    if (!object.is_object()) fail(path, "expected a JSON object, found " + std::string(object.type_name()));
    const auto it = object.find(k);
    if (it == object.end() || it->is_null()) fail(path, "missing key \"" + k + "\"");
    return *it;
}

bool JsonPath::has(const json& object, const std::string& k) {
    if (!object.is_object()) return false;
    const auto it = object.find(k);
    return it != object.end() && !it->is_null();
}

int64_t JsonPath::toInt64(const json& value, const std::string& path) const {
    if (!value.is_number_integer()) fail(path, "must be an integer, found " + preview(value));
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
        fail(path, "integer out of range (" + preview(value) + ")");
    return value.get<int64_t>();
}

int JsonPath::toInt(const json& value, const std::string& path) const {
    const int64_t wide = toInt64(value, path);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        fail(path, "integer out of range (" + preview(value) + ")");
    return static_cast<int>(wide);
}

double JsonPath::toNumber(const json& value, const std::string& path) const {
    if (!value.is_number()) fail(path, "must be a number, found " + preview(value));
    const double v = value.get<double>();
    if (!std::isfinite(v)) fail(path, "must be finite");
    return v;
}

int JsonPath::requireInt(const json& object, const std::string& path, const std::string& k) const {
    return toInt(require(object, path, k), key(path, k));
}

int64_t JsonPath::requireInt64(const json& object, const std::string& path, const std::string& k) const {
    return toInt64(require(object, path, k), key(path, k));
}

std::string JsonPath::requireString(const json& object, const std::string& path, const std::string& k) const {
    const json& v = require(object, path, k);
    if (!v.is_string()) fail(key(path, k), "must be a string, found " + preview(v));
    return v.get<std::string>();
}

const json& JsonPath::requireArray(const json& object, const std::string& path, const std::string& k) const {
    const json& v = require(object, path, k);
    if (!v.is_array()) fail(key(path, k), "must be a list, found " + std::string(v.type_name()));
    return v;
}

std::string JsonPath::preview(const json& value) {
    std::string text = value.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

} // namespace rlfseg
