#include "core/io/Pickle.h"

#include "core/io/AtomicFile.h"
#include "core/util/Error.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// A pickle is a program for a small stack machine (Python's Lib/pickletools.py documents every opcode):
// opcodes push values, MARK opens a group that LIST/TUPLE/DICT/APPENDS/SETITEMS collect, and PUT/GET keep
// values in a memo so that one object can appear in several places. STOP returns the single value left.
//
// Values are built as nodes in flat tables and referred to by index, not as JSON: the memo and the stack
// must share objects (APPEND to a list after it was memoized must show wherever the memo is read), and
// indices make self-referencing lists harmless (no reference cycles, no recursive destructors). The JSON
// is made once, at STOP, with a depth limit, a cycle check and a cap on how much sharing may expand.
//
// Reading never goes past the end: every length is compared with the bytes left before anything is
// allocated or copied, and every failure is an rlfseg::Error naming the source and the opcode's offset.

namespace rlfseg {

namespace {

using json = nlohmann::json;

constexpr int kHighestProtocol = 5; // Python 3.8+
constexpr int kMaxDepth = 1000;     // RefCOCO needs 4; the JSON conversion recurses once per level
// A shared object is copied at each place it is used, so a few bytes of GETs could ask for gigabytes.
// Plain data expands at most about 3x (Latin-1 to UTF-8, memoized short strings), hence this cap on
// values plus string bytes produced.
constexpr uint64_t kExpansionPerByte = 16;
constexpr uint64_t kExpansionFloor = uint64_t(1) << 22;

enum class Kind : uint8_t { None, Bool, Int, Float, String, List, Tuple, Dict, Set, FrozenSet };

const char* kindName(Kind kind) {
    switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    case Kind::Set: return "set";
    case Kind::FrozenSet: return "frozenset";
    }
    return "?";
}

// "an int", "a list", "None": for messages.
std::string kindWithArticle(Kind kind) {
    if (kind == Kind::None) return "None";
    return std::string(kind == Kind::Int ? "an " : "a ") + kindName(kind);
}

// Scalars live in the node; strings and containers in side tables, so that a node stays 16 bytes.
struct Node {
    Kind kind = Kind::None;
    union {
        int64_t integer; // Bool, Int
        double real;     // Float
        size_t index;    // String: into strings; List, Tuple, Dict, Set, FrozenSet: into containers
    };
    Node() : integer(0) {}
};

struct Container {
    std::vector<size_t> items;                            // node ids (all but Dict)
    std::vector<std::pair<std::string, size_t>> entries;  // Dict: key text, value node id, in file order
};

// Opcode names, for messages.
const char* opcodeName(unsigned char op) {
    switch (op) {
    case '(': return "MARK";
    case '.': return "STOP";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    case 'F': return "FLOAT";
    case 'I': return "INT";
    case 'J': return "BININT";
    case 'K': return "BININT1";
    case 'L': return "LONG";
    case 'M': return "BININT2";
    case 'N': return "NONE";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'R': return "REDUCE";
    case 'S': return "STRING";
    case 'T': return "BINSTRING";
    case 'U': return "SHORT_BINSTRING";
    case 'V': return "UNICODE";
    case 'X': return "BINUNICODE";
    case 'a': return "APPEND";
    case 'b': return "BUILD";
    case 'c': return "GLOBAL";
    case 'd': return "DICT";
    case '}': return "EMPTY_DICT";
    case 'e': return "APPENDS";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'i': return "INST";
    case 'j': return "LONG_BINGET";
    case 'l': return "LIST";
    case ']': return "EMPTY_LIST";
    case 'o': return "OBJ";
    case 'p': return "PUT";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 's': return "SETITEM";
    case 't': return "TUPLE";
    case ')': return "EMPTY_TUPLE";
    case 'u': return "SETITEMS";
    case 'G': return "BINFLOAT";
    case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";
    case 0x80: return "PROTO";
    case 0x81: return "NEWOBJ";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";
    case 0x8c: return "SHORT_BINUNICODE";
    case 0x8d: return "BINUNICODE8";
    case 0x8e: return "BINBYTES8";
    case 0x8f: return "EMPTY_SET";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case 0x92: return "NEWOBJ_EX";
    case 0x93: return "STACK_GLOBAL";
    case 0x94: return "MEMOIZE";
    case 0x95: return "FRAME";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    default: return nullptr;
    }
}

// 'c' for printable opcodes (protocol 0 ones are letters), 0x93 otherwise.
std::string opcodeText(unsigned char op) {
    if (op > 0x20 && op < 0x7f) return std::string("'") + static_cast<char>(op) + "'";
    static const char* kHex = "0123456789abcdef";
    return std::string("0x") + kHex[op >> 4] + kHex[op & 15];
}

// Two's complement without implementation-defined casts.
int64_t asSigned(uint64_t v) {
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
    return -static_cast<int64_t>(~v) - 1;
}

int64_t signed32(uint64_t v) { return asSigned(v ^ 0x80000000u) - 0x80000000LL; } // v < 2^32

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Builds UTF-8 from code points that may contain UTF-16 surrogates (Python 2 narrow builds and Python 3's
// "surrogatepass" write them): a high + low pair becomes one code point, a lone half becomes U+FFFD,
// so that the result is always valid UTF-8 (nlohmann::json refuses to dump anything else).
class Utf8Builder {
public:
    void add(uint32_t cp) {
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            flushHigh();
            high_ = cp;
            return;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            if (high_ != 0) {
                appendUtf8(out_, 0x10000 + ((high_ - 0xD800) << 10) + (cp - 0xDC00));
                high_ = 0;
            } else {
                appendUtf8(out_, 0xFFFD);
            }
            return;
        }
        flushHigh();
        appendUtf8(out_, cp);
    }
    std::string finish() {
        flushHigh();
        return std::move(out_);
    }

private:
    void flushHigh() {
        if (high_ != 0) appendUtf8(out_, 0xFFFD);
        high_ = 0;
    }
    std::string out_;
    uint32_t high_ = 0;
};

// Decodes the UTF-8 sequence at s[i] and advances i; returns -1 for bytes that are not UTF-8 (stray
// continuation bytes, truncated sequences, overlong forms, values above U+10FFFF). Encoded surrogates
// (ED A0..BF xx) are returned as such: callers decide whether to allow them.
int32_t nextCodePoint(std::string_view s, size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    size_t extra = 0;  // continuation bytes
    uint32_t min = 0;  // smallest code point that needs this length (smaller ones are overlong)
    uint32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        min = 0x80;
        cp = b0 & 0x1Fu;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        min = 0x800;
        cp = b0 & 0x0Fu;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        min = 0x10000;
        cp = b0 & 0x07u;
    } else {
        return -1;
    }
    if (s.size() - i <= extra) return -1;
    for (size_t k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF) return -1;
    i += extra + 1;
    return static_cast<int32_t>(cp);
}

bool isStrictUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const int32_t cp = nextCodePoint(s, i);
        if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    }
    return true;
}

// Byte strings (Python 2 str, bytes) carry no encoding: RefCOCO's are UTF-8, anything else is taken as
// Latin-1, which maps every byte to a character and so never fails.
std::string bytesToText(std::string_view s) {
    if (isStrictUtf8(s)) return std::string(s);
    std::string out;
    out.reserve(s.size() * 2);
    for (const char c : s) appendUtf8(out, static_cast<unsigned char>(c));
    return out;
}

class Unpickler {
public:
    Unpickler(const std::string& bytes, const std::string& source)
        : data_(reinterpret_cast<const unsigned char*>(bytes.data())), size_(bytes.size()), source_(source),
          budget_(kExpansionPerByte * bytes.size() + kExpansionFloor) {}

    json run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(source_ + ": byte " + std::to_string(opStart_) + ": " + what);
    }

    // --- reading the byte stream ---
    size_t left() const { return size_ - pos_; }
    const char* take(uint64_t n, const char* op) {
        if (n > left())
            fail(std::string("truncated pickle: ") + op + " needs " + std::to_string(n) + " bytes, only " +
                 std::to_string(left()) + " left");
        const char* p = reinterpret_cast<const char*>(data_ + pos_);
        pos_ += static_cast<size_t>(n);
        return p;
    }
    uint64_t readLe(int n, const char* op) {
        const auto* p = reinterpret_cast<const unsigned char*>(take(static_cast<uint64_t>(n), op));
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
        return v;
    }
    // The text argument of a protocol 0 opcode, without its '\n'.
    std::string_view readLine(const char* op) {
        const void* nl = std::memchr(data_ + pos_, '\n', left());
        if (nl == nullptr) fail(std::string("truncated pickle: the text argument of ") + op + " has no end of line");
        const size_t n = static_cast<size_t>(static_cast<const unsigned char*>(nl) - (data_ + pos_));
        const std::string_view line(reinterpret_cast<const char*>(data_ + pos_), n);
        pos_ += n + 1;
        return line;
    }

    // --- text arguments ---
    int64_t parseDecimal(std::string_view text, const char* op) const;
    uint64_t parseIndex(std::string_view text, const char* op) const;
    double parseFloat(std::string_view text) const;
    std::string decodeEscapedString(std::string_view text) const;
    std::string decodeRawUnicodeEscape(std::string_view text) const;
    std::string decodeUtf8Surrogatepass(std::string_view text, const char* op) const;
    int64_t readLittleEndianLong(uint64_t n, const char* op);

    // --- values and the stack ---
    size_t addNode(Kind kind) {
        nodes_.emplace_back();
        nodes_.back().kind = kind;
        return nodes_.size() - 1;
    }
    void pushInt(int64_t v) {
        const size_t id = addNode(Kind::Int);
        nodes_[id].integer = v;
        stack_.push_back(id);
    }
    void pushBool(bool v) {
        const size_t id = addNode(Kind::Bool);
        nodes_[id].integer = v ? 1 : 0;
        stack_.push_back(id);
    }
    void pushFloat(double v) {
        const size_t id = addNode(Kind::Float);
        nodes_[id].real = v;
        stack_.push_back(id);
    }
    void pushString(std::string s) {
        const size_t id = addNode(Kind::String);
        nodes_[id].index = strings_.size();
        strings_.push_back(std::move(s));
        stack_.push_back(id);
    }
    void pushContainer(Kind kind, std::vector<size_t> items) {
        const size_t id = addNode(kind);
        nodes_[id].index = containers_.size();
        containers_.emplace_back();
        if (kind == Kind::Dict) {
            if (items.size() % 2 != 0) fail("DICT needs key/value pairs after its MARK, found an odd number of values");
            for (size_t i = 0; i < items.size(); i += 2)
                containers_.back().entries.emplace_back(keyText(items[i], "DICT"), items[i + 1]);
        } else {
            containers_.back().items = std::move(items);
        }
        stack_.push_back(id);
    }

    // MARK hides what is below it: like CPython, nothing but the MARK-collecting opcodes reach past it.
    size_t fence() const { return marks_.empty() ? 0 : marks_.back(); }
    [[noreturn]] void underflow(const char* op) const {
        fail(std::string("stack underflow: ") + op +
             (marks_.empty() ? " needs a value but the stack is empty" : " needs a value above the last MARK"));
    }
    size_t pop(const char* op) {
        if (stack_.size() <= fence()) underflow(op);
        const size_t id = stack_.back();
        stack_.pop_back();
        return id;
    }
    size_t top(const char* op) const {
        if (stack_.size() <= fence()) underflow(op);
        return stack_.back();
    }
    std::vector<size_t> popMark(const char* op) {
        if (marks_.empty()) fail(std::string(op) + " without a MARK before it");
        const size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<size_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
        stack_.resize(mark);
        return items;
    }
    Container& containerOf(size_t id, Kind want, const char* op) {
        const Node& node = nodes_[id];
        if (node.kind != want)
            fail(std::string(op) + " needs a " + kindName(want) + " to add to, found " + kindWithArticle(node.kind));
        return containers_[node.index];
    }
    std::string keyText(size_t id, const char* op) const {
        const Node& node = nodes_[id];
        if (node.kind == Kind::String) return strings_[node.index];
        if (node.kind == Kind::Int) return std::to_string(node.integer);
        fail(std::string(op) + ": a dict key of type " + kindName(node.kind) +
             " cannot become a JSON key (only strings and integers can)");
    }
    void addItems(size_t dictOrList, Kind kind, std::vector<size_t> items, const char* op) {
        Container& c = containerOf(dictOrList, kind, op);
        if (kind != Kind::Dict) {
            c.items.insert(c.items.end(), items.begin(), items.end());
            return;
        }
        if (items.size() % 2 != 0) fail(std::string(op) + " needs key/value pairs after its MARK, found an odd number of values");
        for (size_t i = 0; i < items.size(); i += 2) c.entries.emplace_back(keyText(items[i], op), items[i + 1]);
    }

    void memoPut(uint64_t key, const char* op) { memo_[key] = top(op); }
    void memoGet(uint64_t key) {
        const auto it = memo_.find(key);
        if (it == memo_.end()) fail("memo key " + std::to_string(key) + " was read (GET) before it was stored (PUT)");
        stack_.push_back(it->second);
    }

    // --- JSON at STOP ---
    void spend(uint64_t amount) {
        if (amount > budget_)
            fail("the data would expand to far more than the file holds (an object shared too many times)");
        budget_ -= amount;
    }
    json toJson(size_t id, int depth);

    const unsigned char* data_;
    size_t size_;
    const std::string& source_;
    size_t pos_ = 0;
    size_t opStart_ = 0; // offset of the opcode being run, for messages

    std::vector<Node> nodes_;
    std::vector<std::string> strings_;
    std::vector<Container> containers_;
    std::vector<size_t> stack_; // node ids
    std::vector<size_t> marks_; // stack sizes at the open MARKs
    std::unordered_map<uint64_t, size_t> memo_;

    std::vector<char> onPath_; // per container: being converted right now (a cycle if met again)
    uint64_t budget_;
};

int64_t Unpickler::parseDecimal(std::string_view text, const char* op) const {
    const std::string shown(text.substr(0, 40));
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    if (i == text.size()) fail(std::string(op) + " argument '" + shown + "' is not a decimal integer");
    const uint64_t limit = negative ? uint64_t(1) << 63 : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t v = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') fail(std::string(op) + " argument '" + shown + "' is not a decimal integer");
        const auto digit = static_cast<uint64_t>(c - '0');
        if (v > (limit - digit) / 10) fail(std::string(op) + " integer " + shown + " does not fit in 64 bits");
        v = v * 10 + digit;
    }
    return negative ? -asSigned(v - 1) - 1 : static_cast<int64_t>(v); // -(v) without overflow at -2^63
}

uint64_t Unpickler::parseIndex(std::string_view text, const char* op) const {
    const std::string shown(text.substr(0, 40));
    if (text.empty()) fail(std::string(op) + " argument is empty");
    uint64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') fail(std::string(op) + " argument '" + shown + "' is not a non-negative integer");
        const auto digit = static_cast<uint64_t>(c - '0');
        if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) fail(std::string(op) + " argument " + shown + " is too large");
        v = v * 10 + digit;
    }
    return v;
}

// Python's float(): repr() output, "inf", "nan", optional sign and surrounding spaces. from_chars is
// used because strtod follows the C locale, which a Qt application sets from the environment.
double Unpickler::parseFloat(std::string_view text) const {
    std::string_view t = text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
    bool negative = false;
    if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
        negative = t.front() == '-';
        t.remove_prefix(1);
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    // A leading sign after the one removed ("--1") is caught here too: from_chars rejects '-' then.
    if (t.empty() || t.front() == '-' || t.front() == '+' || end != t.data() + t.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range))
        fail("FLOAT argument '" + std::string(text.substr(0, 40)) + "' is not a number");
    if (ec == std::errc::result_out_of_range) {
        // from_chars leaves v unchanged on range errors; Python gives inf for overflow and 0 for underflow.
        const bool tiny = t.find_first_of("eE") != std::string_view::npos &&
                          t[t.find_first_of("eE") + 1] == '-';
        v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    }
    return negative ? -v : v;
}

// Python 2's repr() of a str, as codecs.escape_decode reads it.
std::string Unpickler::decodeEscapedString(std::string_view s) const {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const char c = s[i++];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i == s.size()) fail("STRING argument ends in a lone backslash");
        const char e = s[i++];
        switch (e) {
        case '\n': break; // line continuation
        case '\\': case '\'': case '"': out += e; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': {
            const int hi = i < s.size() ? hexValue(s[i]) : -1;
            const int lo = i + 1 < s.size() ? hexValue(s[i + 1]) : -1;
            if (hi < 0 || lo < 0) fail("STRING argument has an invalid \\x escape");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int k = 0; k < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k) v = v * 8 + (s[i++] - '0');
                out += static_cast<char>(v & 0xFF);
            } else {
                out += '\\'; // unknown escapes stay as written, as in Python
                out += e;
            }
        }
    }
    return out;
}

// Python's "raw-unicode-escape": every byte is the code point of the same value (Latin-1), except that
// \uXXXX and \UXXXXXXXX are escapes when preceded by an odd number of backslashes.
std::string Unpickler::decodeRawUnicodeEscape(std::string_view s) const {
    Utf8Builder out;
    for (size_t i = 0; i < s.size();) {
        if (s[i] != '\\') {
            out.add(static_cast<unsigned char>(s[i++]));
            continue;
        }
        size_t run = 0;
        while (i + run < s.size() && s[i + run] == '\\') ++run;
        const size_t after = i + run;
        const bool escape = run % 2 == 1 && after < s.size() && (s[after] == 'u' || s[after] == 'U');
        for (size_t k = 0; k < run - (escape ? 1 : 0); ++k) out.add('\\');
        i = after;
        if (!escape) continue;
        const size_t digits = s[i] == 'u' ? 4 : 8;
        ++i;
        if (s.size() - i < digits) fail("UNICODE argument has a truncated \\u escape");
        uint32_t cp = 0;
        for (size_t k = 0; k < digits; ++k) {
            const int h = hexValue(s[i + k]);
            if (h < 0) fail("UNICODE argument has a truncated \\u escape");
            cp = (cp << 4) | static_cast<uint32_t>(h);
        }
        if (cp > 0x10FFFF) fail("UNICODE argument has a \\U escape beyond U+10FFFF");
        out.add(cp);
        i += digits;
    }
    return out.finish();
}

// Python 3 writes str as UTF-8 with "surrogatepass", so lone surrogates may appear encoded.
std::string Unpickler::decodeUtf8Surrogatepass(std::string_view s, const char* op) const {
    if (isStrictUtf8(s)) return std::string(s);
    Utf8Builder out;
    for (size_t i = 0; i < s.size();) {
        const int32_t cp = nextCodePoint(s, i);
        if (cp < 0) fail(std::string(op) + " string is not valid UTF-8");
        out.add(static_cast<uint32_t>(cp));
    }
    return out.finish();
}

// LONG1/LONG4: n bytes of little-endian two's complement.
int64_t Unpickler::readLittleEndianLong(uint64_t n, const char* op) {
    if (n > 8) fail(std::string(op) + " integer has " + std::to_string(n) + " bytes; only integers up to 64 bits are read");
    if (n == 0) return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(take(n, op));
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    if (n < 8 && (p[n - 1] & 0x80) != 0) v |= ~uint64_t(0) << (8 * n); // sign-extend
    return asSigned(v);
}

json Unpickler::run() {
    while (pos_ < size_) {
        opStart_ = pos_;
        const unsigned char op = data_[pos_++];
        const char* name = opcodeName(op);
        switch (op) {
        // --- framing and control ---
        case 0x80: { // PROTO
            const uint64_t proto = readLe(1, name);
            if (proto > kHighestProtocol)
                fail("pickle protocol " + std::to_string(proto) + " is not supported (the highest is " +
                     std::to_string(kHighestProtocol) + ")");
            break;
        }
        case 0x95: { // FRAME: a length prefix for buffered reading; the opcodes inside are read as usual
            const uint64_t n = readLe(8, name);
            if (n > left())
                fail("truncated pickle: FRAME declares " + std::to_string(n) + " bytes, only " +
                     std::to_string(left()) + " left");
            break;
        }
        case '.': { // STOP
            if (!marks_.empty()) fail("STOP with a MARK that was never closed");
            if (stack_.size() != 1)
                fail("STOP with " + std::to_string(stack_.size()) + " values on the stack instead of one");
            onPath_.assign(containers_.size(), 0);
            return toJson(stack_.back(), 1);
        }
        case '(': marks_.push_back(stack_.size()); break;
        case '0': // POP: Python also lets it drop a MARK that has nothing above it
            if (!marks_.empty() && marks_.back() == stack_.size()) marks_.pop_back();
            else pop(name);
            break;
        case '1': popMark(name); break;
        case '2': stack_.push_back(top(name)); break;

        // --- scalars ---
        case 'N': stack_.push_back(addNode(Kind::None)); break;
        case 0x88: pushBool(true); break;
        case 0x89: pushBool(false); break;
        case 'I': { // Python 2 wrote booleans as I01 / I00
            const std::string_view text = readLine(name);
            if (text == "01") pushBool(true);
            else if (text == "00") pushBool(false);
            else pushInt(parseDecimal(text, name));
            break;
        }
        case 'J': pushInt(signed32(readLe(4, name))); break;
        case 'K': pushInt(static_cast<int64_t>(readLe(1, name))); break;
        case 'M': pushInt(static_cast<int64_t>(readLe(2, name))); break;
        case 'L': { // "123L" in Python 2, "123" in Python 3
            std::string_view text = readLine(name);
            if (!text.empty() && text.back() == 'L') text.remove_suffix(1);
            pushInt(parseDecimal(text, name));
            break;
        }
        case 0x8a: pushInt(readLittleEndianLong(readLe(1, name), name)); break;
        case 0x8b: {
            const int64_t n = signed32(readLe(4, name));
            if (n < 0) fail("LONG4 has a negative byte count");
            pushInt(readLittleEndianLong(static_cast<uint64_t>(n), name));
            break;
        }
        case 'F': pushFloat(parseFloat(readLine(name))); break;
        case 'G': { // big-endian IEEE 754 double
            const auto* p = reinterpret_cast<const unsigned char*>(take(8, name));
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
            double v;
            std::memcpy(&v, &bits, sizeof v);
            pushFloat(v);
            break;
        }

        // --- strings ---
        case 'S': { // repr() of a Python 2 str, in quotes
            const std::string_view text = readLine(name);
            if (text.size() < 2 || text.front() != text.back() || (text.front() != '\'' && text.front() != '"'))
                fail("STRING argument is not in quotes");
            pushString(bytesToText(decodeEscapedString(text.substr(1, text.size() - 2))));
            break;
        }
        case 'T': {
            const int64_t n = signed32(readLe(4, name));
            if (n < 0) fail("BINSTRING has a negative byte count");
            pushString(bytesToText(std::string_view(take(static_cast<uint64_t>(n), name), static_cast<size_t>(n))));
            break;
        }
        case 'U': case 'C': { // SHORT_BINSTRING, SHORT_BINBYTES
            const uint64_t n = readLe(1, name);
            pushString(bytesToText(std::string_view(take(n, name), static_cast<size_t>(n))));
            break;
        }
        case 'B': case 0x8e: case 0x96: { // BINBYTES, BINBYTES8, BYTEARRAY8
            const uint64_t n = readLe(op == 'B' ? 4 : 8, name);
            pushString(bytesToText(std::string_view(take(n, name), static_cast<size_t>(n))));
            break;
        }
        case 'V': pushString(decodeRawUnicodeEscape(readLine(name))); break;
        case 'X': case 0x8c: case 0x8d: { // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
            const uint64_t n = readLe(op == 'X' ? 4 : op == 0x8c ? 1 : 8, name);
            pushString(decodeUtf8Surrogatepass(std::string_view(take(n, name), static_cast<size_t>(n)), name));
            break;
        }

        // --- containers ---
        case ']': pushContainer(Kind::List, {}); break;
        case ')': pushContainer(Kind::Tuple, {}); break;
        case '}': pushContainer(Kind::Dict, {}); break;
        case 0x8f: pushContainer(Kind::Set, {}); break;
        case 'l': pushContainer(Kind::List, popMark(name)); break;
        case 't': pushContainer(Kind::Tuple, popMark(name)); break;
        case 'd': pushContainer(Kind::Dict, popMark(name)); break;
        case 0x91: pushContainer(Kind::FrozenSet, popMark(name)); break;
        case 0x85: case 0x86: case 0x87: { // TUPLE1..3
            const size_t n = static_cast<size_t>(op - 0x84);
            std::vector<size_t> items(n);
            for (size_t k = n; k-- > 0;) items[k] = pop(name);
            pushContainer(Kind::Tuple, std::move(items));
            break;
        }
        case 'a': {
            const size_t value = pop(name);
            containerOf(top(name), Kind::List, name).items.push_back(value);
            break;
        }
        case 'e': {
            std::vector<size_t> items = popMark(name);
            addItems(top(name), Kind::List, std::move(items), name);
            break;
        }
        case 's': {
            const size_t value = pop(name);
            const size_t key = pop(name);
            std::string text = keyText(key, name);
            containerOf(top(name), Kind::Dict, name).entries.emplace_back(std::move(text), value);
            break;
        }
        case 'u': {
            std::vector<size_t> items = popMark(name);
            addItems(top(name), Kind::Dict, std::move(items), name);
            break;
        }
        case 0x90: {
            std::vector<size_t> items = popMark(name);
            addItems(top(name), Kind::Set, std::move(items), name);
            break;
        }

        // --- memo ---
        case 'p': memoPut(parseIndex(readLine(name), name), name); break;
        case 'q': memoPut(readLe(1, name), name); break;
        case 'r': memoPut(readLe(4, name), name); break;
        case 0x94: memoPut(memo_.size(), name); break;
        case 'g': memoGet(parseIndex(readLine(name), name)); break;
        case 'h': memoGet(readLe(1, name)); break;
        case 'j': memoGet(readLe(4, name)); break;

        // --- anything that imports or calls: never ---
        case 'c': case 0x93: case 'R': case 'b': case 'i': case 'o': case 0x81: case 0x92:
        case 'P': case 'Q': case 0x82: case 0x83: case 0x84: case 0x97: case 0x98:
            fail("unsupported pickle opcode " + opcodeText(op) + " (" + name +
                 "): only plain lists, dicts, strings and numbers are read");

        default:
            fail("unknown pickle opcode " + opcodeText(op) + " (not a pickle, or a damaged one)");
        }
    }
    opStart_ = size_;
    fail("truncated pickle: it ends without a STOP opcode");
}

json Unpickler::toJson(size_t id, int depth) {
    const Node& node = nodes_[id];
    spend(1);
    switch (node.kind) {
    case Kind::None: return nullptr;
    case Kind::Bool: return node.integer != 0;
    case Kind::Int: return node.integer;
    case Kind::Float: return node.real;
    case Kind::String: {
        const std::string& s = strings_[node.index];
        spend(s.size());
        return s;
    }
    default: break;
    }
    const size_t ci = node.index;
    if (onPath_[ci] != 0) fail("the data contains itself (a recursive " + std::string(kindName(node.kind)) + "), which JSON cannot hold");
    if (depth > kMaxDepth) fail("the data is nested more than " + std::to_string(kMaxDepth) + " levels deep");
    onPath_[ci] = 1;
    const Container& c = containers_[ci];
    json out;
    if (node.kind == Kind::Dict) {
        out = json::object();
        for (const auto& [key, value] : c.entries) {
            spend(key.size());
            out[key] = toJson(value, depth + 1); // a later duplicate key wins, as in Python
        }
    } else {
        out = json::array();
        out.get_ref<json::array_t&>().reserve(c.items.size());
        for (const size_t item : c.items) out.push_back(toJson(item, depth + 1));
    }
    onPath_[ci] = 0;
    return out;
}

} // namespace

nlohmann::json parsePickle(const std::string& bytes, const std::string& source) {
    return Unpickler(bytes, source).run();
}

nlohmann::json readPickleFile(const std::string& path) { return parsePickle(readFileToString(path), path); }

} // namespace rlfseg
