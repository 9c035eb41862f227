#include "core/io/SafeTensors.h"

#include "core/io/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>
#include <tuple>

#ifdef _WIN32
#include <fstream>
#include <sstream>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

// What SafeTensorsFile::open checks, each failure an rlfseg::Error naming the file (and tensor):
//  - the file exists, is a regular file and has at least 8 bytes;
//  - the header length N is not 0, not above 100 MB and fits in the file;
//  - the header is valid UTF-8 JSON, nested at most 64 levels deep (checked before parsing, since the
//    JSON parser recurses), an object, without NUL bytes and without duplicate keys in any object;
//  - "__metadata__", if present, is an object of string to string;
//  - each tensor entry is an object with "dtype" (a known dtype name), "shape" (array of non-negative
//    integers whose element count times the dtype size does not overflow) and "data_offsets" (two
//    non-negative integers, begin <= end <= size of the data buffer, end - begin == numel * dtype size);
//  - no two non-empty tensors overlap.
// Gaps between tensors are allowed (the official library forbids them, but they are harmless).

namespace rlfseg {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr int kMaxJsonDepth = 64;

struct DTypeEntry {
    DType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::Bool, "BOOL", 1},
};

const DTypeEntry& entryFor(DType dtype) {
    for (const auto& e : kDTypes)
        if (e.dtype == dtype) return e;
    throw Error("Unknown dtype value " + std::to_string(static_cast<int>(dtype)));
}

bool parseDType(const std::string& name, DType& out) {
    for (const auto& e : kDTypes)
        if (name == e.name) {
            out = e.dtype;
            return true;
        }
    return false;
}

std::string filePrefix(const std::string& path) { return "SafeTensors file '" + path + "': "; }
std::string tensorPrefix(const std::string& path, const std::string& name) {
    return filePrefix(path) + "tensor '" + name + "': ";
}

// Element count and byte size, or false if a dim is negative or either does not fit in int64.
bool checkedByteSize(const std::vector<int64_t>& shape, size_t elementSize, uint64_t& numel, uint64_t& bytes) {
    uint64_t n = 1;
    bool zero = false;
    for (int64_t d : shape) {
        if (d < 0) return false;
        if (d == 0) zero = true;
    }
    if (zero) {
        numel = bytes = 0;
        return true;
    }
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    for (int64_t d : shape) {
        const uint64_t u = static_cast<uint64_t>(d); // d >= 1 here
        if (n > kMax / u) return false;
        n *= u;
    }
    if (n > kMax / elementSize) return false;
    numel = n;
    bytes = n * elementSize;
    return true;
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Depth of bracket nesting outside strings. Stops counting as soon as the limit is exceeded.
int jsonNestingDepth(const char* text, size_t n, int limit) {
    int depth = 0, maxDepth = 0;
    bool inString = false, escaped = false;
    for (size_t i = 0; i < n; ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') {
            maxDepth = std::max(maxDepth, ++depth);
            if (maxDepth > limit) return maxDepth;
        } else if (c == '}' || c == ']') --depth;
    }
    return maxDepth;
}

uint64_t readLe64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::string jsonString(const std::string& s, const std::string& path, const char* what) {
    try {
        return json(s).dump(-1, ' ', false, json::error_handler_t::strict);
    } catch (const json::exception&) {
        throw Error(filePrefix(path) + what + " '" + s + "' is not valid UTF-8");
    }
}

} // namespace

std::string dtypeName(DType dtype) { return entryFor(dtype).name; }
size_t dtypeSize(DType dtype) { return entryFor(dtype).size; }

int64_t TensorInfo::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// ---------------------------------------------------------------------------------------------------------

struct SafeTensorsFile::Mapping {
#ifdef _WIN32
    std::string bytes;
    const uint8_t* base() const { return reinterpret_cast<const uint8_t*>(bytes.data()); }
    size_t size() const { return bytes.size(); }
#else
    void* addr = nullptr;
    size_t length = 0;
    const uint8_t* base() const { return static_cast<const uint8_t*>(addr); }
    size_t size() const { return length; }
    ~Mapping() {
        if (addr) ::munmap(addr, length);
    }
#endif
};

SafeTensorsFile::SafeTensorsFile() = default;
SafeTensorsFile::SafeTensorsFile(SafeTensorsFile&&) noexcept = default;
SafeTensorsFile& SafeTensorsFile::operator=(SafeTensorsFile&&) noexcept = default;
SafeTensorsFile::~SafeTensorsFile() = default;

SafeTensorsFile SafeTensorsFile::open(const std::string& path) {
    SafeTensorsFile f;
    f.path_ = path;
    f.mapping_ = std::make_unique<Mapping>();
    const std::string prefix = filePrefix(path);

#ifdef _WIN32
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error(prefix + "cannot open it");
        std::ostringstream ss;
        ss << in.rdbuf();
        f.mapping_->bytes = ss.str();
    }
#else
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            throw Error(prefix + "cannot open it: " + std::strerror(err));
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            throw Error(prefix + "not a regular file");
        }
        const uint64_t fileSize = static_cast<uint64_t>(st.st_size);
        if (fileSize < 8) {
            ::close(fd);
            throw Error(prefix + "the file is too short (" + std::to_string(fileSize) +
                        " bytes) to be a safetensors file (truncated or empty?)");
        }
        if (fileSize > std::numeric_limits<size_t>::max()) {
            ::close(fd);
            throw Error(prefix + "the file is too large to map");
        }
        void* addr = ::mmap(nullptr, static_cast<size_t>(fileSize), PROT_READ, MAP_PRIVATE, fd, 0);
        const int err = errno;
        ::close(fd);
        if (addr == MAP_FAILED) throw Error(prefix + "cannot map it into memory: " + std::strerror(err));
        f.mapping_->addr = addr;
        f.mapping_->length = static_cast<size_t>(fileSize);
    }
#endif

    const uint8_t* base = f.mapping_->base();
    const uint64_t fileSize = f.mapping_->size();
    if (fileSize < 8)
        throw Error(prefix + "the file is too short (" + std::to_string(fileSize) +
                    " bytes) to be a safetensors file (truncated or empty?)");

    const uint64_t headerLen = readLe64(base);
    if (headerLen == 0) throw Error(prefix + "the header length is 0");
    if (headerLen > kMaxHeaderBytes)
        throw Error(prefix + "the header length " + std::to_string(headerLen) + " is absurd (more than " +
                    std::to_string(kMaxHeaderBytes) + " bytes); not a safetensors file?");
    if (headerLen > fileSize - 8)
        throw Error(prefix + "the header length " + std::to_string(headerLen) + " is larger than the file (" +
                    std::to_string(fileSize) + " bytes); truncated or not a safetensors file");

    const char* headerText = reinterpret_cast<const char*>(base + 8);
    const uint64_t dataSize = fileSize - 8 - headerLen;
    f.dataBuffer_ = base + 8 + headerLen;

    // nlohmann's lexer takes a NUL byte for the end of the input and would ignore whatever follows it.
    if (std::memchr(headerText, 0, static_cast<size_t>(headerLen)) != nullptr)
        throw Error(prefix + "the header is not valid UTF-8 JSON: it contains a NUL byte");
    if (jsonNestingDepth(headerText, static_cast<size_t>(headerLen), kMaxJsonDepth) > kMaxJsonDepth)
        throw Error(prefix + "the JSON header is nested more than " + std::to_string(kMaxJsonDepth) +
                    " levels deep");

    json header;
    std::string duplicateKey;
    bool duplicate = false;
    {
        // nlohmann keeps the last of duplicate keys silently; a header with one is refused instead.
        std::vector<std::set<std::string>> objectKeys; // one set per open object
        json::parser_callback_t cb = [&](int, json::parse_event_t event, json& parsed) {
            if (event == json::parse_event_t::object_start) {
                objectKeys.emplace_back();
            } else if (event == json::parse_event_t::object_end) {
                if (!objectKeys.empty()) objectKeys.pop_back();
            } else if (event == json::parse_event_t::key && !objectKeys.empty() && parsed.is_string()) {
                const auto& k = parsed.get_ref<const std::string&>();
                if (!objectKeys.back().insert(k).second && !duplicate) {
                    duplicate = true;
                    duplicateKey = k;
                }
            }
            return true;
        };
        try {
            header = json::parse(headerText, headerText + headerLen, cb, /*allow_exceptions=*/true);
        } catch (const json::exception& e) {
            throw Error(prefix + "the header is not valid UTF-8 JSON: " + e.what());
        }
    }
    if (!header.is_object()) throw Error(prefix + "the JSON header is not an object");
    if (duplicate) throw Error(prefix + "the JSON header has the key '" + duplicateKey + "' twice");

    struct Range {
        uint64_t begin, end;
        const std::string* name;
    };
    std::vector<Range> ranges;
    ranges.reserve(header.size());

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object()) throw Error(prefix + "\"__metadata__\" is not an object of string to string");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    throw Error(prefix + "\"__metadata__\" entry '" + m.key() + "' is not a string");
                f.metadata_[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string tp = tensorPrefix(path, name);
        if (!v.is_object()) throw Error(tp + "the header entry is not an object");
        const auto dt = v.find("dtype");
        const auto sh = v.find("shape");
        const auto off = v.find("data_offsets");
        if (dt == v.end()) throw Error(tp + "the header entry has no \"dtype\"");
        if (sh == v.end()) throw Error(tp + "the header entry has no \"shape\"");
        if (off == v.end()) throw Error(tp + "the header entry has no \"data_offsets\"");
        if (!dt->is_string()) throw Error(tp + "\"dtype\" is not a string");

        TensorInfo info;
        info.name = name;
        const std::string dtypeText = dt->get<std::string>();
        if (!parseDType(dtypeText, info.dtype))
            throw Error(tp + "unsupported dtype '" + dtypeText +
                        "' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");

        if (!sh->is_array()) throw Error(tp + "\"shape\" is not an array");
        for (const json& d : *sh) {
            if (!d.is_number_integer()) throw Error(tp + "\"shape\" has an entry that is not an integer");
            if (d.is_number_unsigned()) {
                const uint64_t u = d.get<uint64_t>();
                if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                    throw Error(tp + "\"shape\" has a dimension that is too large");
                info.shape.push_back(static_cast<int64_t>(u));
            } else {
                const int64_t s = d.get<int64_t>();
                if (s < 0) throw Error(tp + "\"shape\" has a negative dimension (" + std::to_string(s) + ")");
                info.shape.push_back(s);
            }
        }

        if (!off->is_array() || off->size() != 2) throw Error(tp + "\"data_offsets\" is not an array of 2 integers");
        for (const json& o : *off) {
            if (!o.is_number_integer()) throw Error(tp + "\"data_offsets\" is not an array of 2 integers");
            if (!o.is_number_unsigned()) throw Error(tp + "\"data_offsets\" has a negative offset");
        }
        info.begin = (*off)[0].get<uint64_t>();
        info.end = (*off)[1].get<uint64_t>();
        if (info.begin > info.end)
            throw Error(tp + "\"data_offsets\" begin " + std::to_string(info.begin) + " is after end " +
                        std::to_string(info.end));
        if (info.end > dataSize)
            throw Error(tp + "\"data_offsets\" end " + std::to_string(info.end) + " is beyond the data (" +
                        std::to_string(dataSize) + " bytes); truncated file?");

        uint64_t numel = 0, bytes = 0;
        if (!checkedByteSize(info.shape, dtypeSize(info.dtype), numel, bytes))
            throw Error(tp + "shape " + shapeText(info.shape) + " is too large (its byte size overflows)");
        if (info.end - info.begin != bytes)
            throw Error(tp + "the data is " + std::to_string(info.end - info.begin) + " bytes but shape " +
                        shapeText(info.shape) + " of " + dtypeText + " needs " + std::to_string(bytes));

        auto inserted = f.tensors_.emplace(name, std::move(info));
        ranges.push_back({inserted.first->second.begin, inserted.first->second.end, &inserted.first->first});
    }

    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
        return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
    });
    const Range* prev = nullptr;
    for (const Range& r : ranges) {
        if (r.begin == r.end) continue; // an empty tensor occupies no bytes
        if (prev && r.begin < prev->end)
            throw Error(filePrefix(path) + "tensors '" + *prev->name + "' and '" + *r.name +
                        "' overlap in the data buffer");
        prev = &r;
    }
    return f;
}

const std::string& SafeTensorsFile::path() const { return path_; }

std::vector<std::string> SafeTensorsFile::names() const {
    std::vector<std::string> out;
    out.reserve(tensors_.size());
    for (const auto& kv : tensors_) out.push_back(kv.first);
    return out;
}

bool SafeTensorsFile::contains(const std::string& name) const { return tensors_.count(name) != 0; }

const TensorInfo& SafeTensorsFile::info(const std::string& name) const {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error(tensorPrefix(path_, name) + "no such tensor in the file");
    return it->second;
}

const uint8_t* SafeTensorsFile::data(const std::string& name) const { return dataBuffer_ + info(name).begin; }

const std::map<std::string, std::string>& SafeTensorsFile::metadata() const { return metadata_; }

void SafeTensorsFile::releasePages(const std::string& name) const {
#ifndef _WIN32
    const auto it = tensors_.find(name);
    if (it == tensors_.end() || !mapping_ || !mapping_->addr) return;
    const TensorInfo& t = it->second;
    if (t.begin == t.end) return;
    const long pageSizeL = ::sysconf(_SC_PAGESIZE);
    if (pageSizeL <= 0) return;
    const uintptr_t page = static_cast<uintptr_t>(pageSizeL);
    const uintptr_t mapBegin = reinterpret_cast<uintptr_t>(mapping_->addr);
    const uintptr_t mapEnd = mapBegin + mapping_->length;
    uintptr_t b = reinterpret_cast<uintptr_t>(dataBuffer_ + t.begin);
    uintptr_t e = reinterpret_cast<uintptr_t>(dataBuffer_ + t.end);
    b &= ~(page - 1);                                  // mmap returns a page-aligned address
    e = std::min(mapEnd, (e + page - 1) & ~(page - 1)); // the kernel rounds the last page itself
    if (b < mapBegin || e <= b) return;
    // The mapping is read-only and private and never written, so the pages are re-read from the file if
    // they are touched again: dropping them never loses data.
    (void)::madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
#else
    (void)name;
#endif
}

// ---------------------------------------------------------------------------------------------------------

void writeSafeTensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    const std::string prefix = filePrefix(path);
    std::vector<const TensorToWrite*> sorted;
    sorted.reserve(tensors.size());
    for (const auto& t : tensors) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](const TensorToWrite* a, const TensorToWrite* b) { return a->name < b->name; });

    std::string header = "{";
    bool first = true;
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        bool firstMeta = true;
        for (const auto& kv : metadata) {
            if (!firstMeta) header += ",";
            firstMeta = false;
            header += jsonString(kv.first, path, "metadata key");
            header += ":";
            header += jsonString(kv.second, path, "metadata value");
        }
        header += "}";
        first = false;
    }

    uint64_t offset = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const TensorToWrite& t = *sorted[i];
        const std::string tp = tensorPrefix(path, t.name);
        if (t.name.empty()) throw Error(prefix + "a tensor has an empty name");
        if (t.name == "__metadata__") throw Error(tp + "the name is reserved");
        if (i > 0 && sorted[i - 1]->name == t.name) throw Error(tp + "the name is given twice");
        uint64_t numel = 0, bytes = 0;
        if (!checkedByteSize(t.shape, dtypeSize(t.dtype), numel, bytes))
            throw Error(tp + "shape " + shapeText(t.shape) + " has a negative dimension or is too large");
        if (bytes != t.nbytes)
            throw Error(tp + "got " + std::to_string(t.nbytes) + " bytes but shape " + shapeText(t.shape) + " of " +
                        dtypeName(t.dtype) + " needs " + std::to_string(bytes));
        if (t.nbytes > 0 && t.data == nullptr) throw Error(tp + "the data pointer is null");

        if (!first) header += ",";
        first = false;
        header += jsonString(t.name, path, "tensor name");
        header += ":{\"dtype\":\"";
        header += dtypeName(t.dtype);
        header += "\",\"shape\":[";
        for (size_t d = 0; d < t.shape.size(); ++d) {
            if (d) header += ",";
            header += std::to_string(t.shape[d]);
        }
        header += "],\"data_offsets\":[";
        header += std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    header += "}";
    while (header.size() % 8 != 0) header += ' ';

    uint8_t lenBytes[8];
    uint64_t len = header.size();
    for (int i = 0; i < 8; ++i) lenBytes[i] = static_cast<uint8_t>(len >> (8 * i));

    writeFileAtomically(path, [&](std::ostream& out) {
        out.write(reinterpret_cast<const char*>(lenBytes), 8);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        for (const TensorToWrite* t : sorted)
            if (t->nbytes > 0) out.write(static_cast<const char*>(t->data), static_cast<std::streamsize>(t->nbytes));
    });
}

} // namespace rlfseg
