// The CLIP byte-level BPE tokenizer: vocab/merges loading, CLIP's pre-tokenizer, BPE with a
// per-piece cache, padding. See ClipTokenizer.h for what is reproduced. The text cleaning that comes
// first is text::cleanPromptText (TextCleaning.cpp); character properties come from ICU.

#include "core/text/ClipTokenizer.h"

#include "core/text/TextCleaning.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <climits>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <utility>

namespace rlfseg {

namespace {

using U32 = std::u32string;

// ---------------------------------------------------------------------------------------------
// Pre-tokenizer: CLIP's pattern, applied with `regex.findall` semantics (case-insensitive).

// The `regex` module's \s (Unicode White_Space).
bool isRegexSpace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }

bool isLetter(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_L_MASK) != 0; }
bool isNumber(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0; }

// [^\s\p{L}\p{N}] under IGNORECASE: a character is in the negated class only when none of its case
// variants is in [\s\p{L}\p{N}] (so U+0345, whose case variants are Greek iota, matches nothing).
bool isOtherSymbol(char32_t c) {
    auto inSet = [](UChar32 x) { return isRegexSpace(x) || isLetter(x) || isNumber(x); };
    const UChar32 x = static_cast<UChar32>(c);
    if (inSet(x)) return false;
    if (c < 0x80) return true;
    return !inSet(u_foldCase(x, U_FOLD_CASE_DEFAULT)) && !inSet(u_tolower(x)) &&
           !inSet(u_toupper(x)) && !inSet(u_totitle(x));
}

char32_t simpleFold(char32_t c) {
    return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

bool matchesFolded(const U32& s, size_t pos, const char32_t* lit) {
    for (; *lit; ++lit, ++pos)
        if (pos >= s.size() || simpleFold(s[pos]) != simpleFold(*lit)) return false;
    return true;
}

size_t literalLength(const char32_t* lit) {
    size_t n = 0;
    while (lit[n]) ++n;
    return n;
}

// `cleaned` is cleanPromptText()'s UTF-8; the pieces are UTF-8 too.
std::vector<std::string> preTokenize(const std::string& cleaned) {
    const U32 s = text::decodeUtf8(cleaned);
    static const char32_t* const kSpecial[] = {U"<|startoftext|>", U"<|endoftext|>"};
    static const char32_t* const kContractions[] = {U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
    std::vector<std::string> pieces;
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        size_t len = 0;
        for (const char32_t* lit : kSpecial)
            if (matchesFolded(s, i, lit)) { len = literalLength(lit); break; }
        if (len == 0 && s[i] == U'\'')
            for (const char32_t* lit : kContractions)
                if (matchesFolded(s, i, lit)) { len = literalLength(lit); break; }
        if (len == 0) {
            const char32_t c = s[i];
            if (isLetter(c)) {
                size_t j = i + 1;
                while (j < n && isLetter(s[j])) ++j;
                len = j - i;
            } else if (isNumber(c)) {
                len = 1;
            } else if (isOtherSymbol(c)) {
                size_t j = i + 1;
                while (j < n && isOtherSymbol(s[j])) ++j;
                len = j - i;
            }
        }
        if (len == 0) {  // matches nothing (whitespace): findall moves on
            ++i;
            continue;
        }
        std::string& piece = pieces.emplace_back();
        for (size_t k = i; k < i + len; ++k) text::appendUtf8(piece, s[k]);
        i += len;
    }
    return pieces;
}

// ---------------------------------------------------------------------------------------------
// Files

std::string readFile(const std::string& path, const char* what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(std::string("CLIP tokenizer: ") + what + " '" + path + "' does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw Error(std::string("CLIP tokenizer: ") + what + " '" + path + "' is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(std::string("CLIP tokenizer: cannot open ") + what + " '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(std::string("CLIP tokenizer: cannot read ") + what + " '" + path + "'");
    return ss.str();
}

std::string shorten(const std::string& s, size_t max = 60) {
    return s.size() <= max ? s : s.substr(0, max) + "...";
}

// CLIP's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the others are moved
// to U+0100 onwards in byte order.
std::array<std::string, 256> byteSymbols() {
    std::array<std::string, 256> sym;
    int next = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        std::string s;
        text::appendUtf8(s, printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + next++));
        sym[b] = s;
    }
    return sym;
}

const char* const kEndOfWord = "</w>";
const char* const kStartOfText = "<|startoftext|>";
const char* const kEndOfText = "<|endoftext|>";
constexpr size_t kMaxMerges = 49152 - 256 - 2;  // CLIP (and HF's slow CLIPTokenizer) use this many
constexpr size_t kMaxCacheEntries = 1 << 16;

} // namespace

// ---------------------------------------------------------------------------------------------
// Model

struct ClipTokenizer::Model {
    std::unordered_map<std::string, int> vocab;
    // id -> token, for tokens(); built on first use (pointers into `vocab`, whose nodes are stable).
    mutable std::unordered_map<int, const std::string*> decoder;
    mutable std::once_flag decoderOnce;
    std::array<int, 256> byteId{};     // id of the byte's symbol
    std::array<int, 256> byteEndId{};  // id of the byte's symbol + "</w>"
    // (id of first << 32 | id of second) -> (rank, id of the merged symbol)
    std::unordered_map<uint64_t, std::pair<int, int>> merges;
    int bos = kBos;
    int eos = kEos;
    std::string vocabPath;

    static uint64_t pairKey(int a, int b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }

    // Reads vocab.json with a SAX handler straight into the hash maps (no DOM): a top-level object
    // of token string -> non-negative integer id. A repeated token keeps its last id, as json.load does.
    struct VocabSax : nlohmann::json_sax<nlohmann::json> {
        Model& m;
        const std::string& path;
        int depth = 0;
        bool sawObject = false;
        std::string currentKey;

        VocabSax(Model& model, const std::string& p) : m(model), path(p) {}

        [[noreturn]] void fail(const std::string& what) const {
            throw Error("CLIP tokenizer: vocabulary file '" + path + "' " + what);
        }
        void notAnId(const std::string& got) const {
            fail("gives token '" + shorten(currentKey) + "' the id " + shorten(got) +
                 "; ids must be non-negative integers");
        }
        bool value(const std::string& got) {
            if (depth != 1) fail("must hold a JSON object mapping token strings to ids, not " + got);
            notAnId(got);
            return false;
        }
        bool id(uint64_t v) {
            if (depth != 1) return value("a number");
            if (v > static_cast<uint64_t>(INT_MAX)) notAnId(std::to_string(v));
            const int i = static_cast<int>(v);
            m.vocab.insert_or_assign(std::move(currentKey), i);
            return true;
        }
        bool null() override { return value("null"); }
        bool boolean(bool b) override { return value(b ? "true" : "false"); }
        bool number_integer(number_integer_t v) override {
            if (v < 0) return value(std::to_string(v));
            return id(static_cast<uint64_t>(v));
        }
        bool number_unsigned(number_unsigned_t v) override { return id(v); }
        bool number_float(number_float_t, const string_t& s) override { return value(s); }
        bool string(string_t& v) override { return value("\"" + v + "\""); }
        bool binary(binary_t&) override { return value("binary data"); }
        bool start_object(std::size_t) override {
            if (depth == 0) {
                sawObject = true;
                depth = 1;
                return true;
            }
            return value("an object");
        }
        bool key(string_t& k) override {
            currentKey = std::move(k);
            return true;
        }
        bool end_object() override {
            --depth;
            return true;
        }
        bool start_array(std::size_t) override { return value("an array"); }
        bool end_array() override { return value("an array"); }
        bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
            fail(std::string("is not valid JSON: ") + e.what());
        }
    };

    void loadVocab(const std::string& path) {
        vocabPath = path;
        const std::string text = readFile(path, "vocabulary file");
        vocab.reserve(50000);
        VocabSax sax(*this, path);
        nlohmann::json::sax_parse(text, &sax);
        if (!sax.sawObject || vocab.empty())
            throw Error("CLIP tokenizer: vocabulary file '" + path + "' holds no tokens");
        const std::array<std::string, 256> sym = byteSymbols();
        for (int b = 0; b < 256; ++b) {
            const auto a = vocab.find(sym[b]);
            const auto e = vocab.find(sym[b] + kEndOfWord);
            if (a == vocab.end() || e == vocab.end())
                throw Error("CLIP tokenizer: vocabulary file '" + path + "' lacks the byte token '" +
                            (a == vocab.end() ? sym[b] : sym[b] + kEndOfWord) +
                            "' (byte " + std::to_string(b) + "); it is not a CLIP BPE vocabulary");
            byteId[b] = a->second;
            byteEndId[b] = e->second;
        }
        if (auto it = vocab.find(kStartOfText); it != vocab.end()) bos = it->second;
        if (auto it = vocab.find(kEndOfText); it != vocab.end()) eos = it->second;
    }

    int symbolId(const std::string& sym, const std::string& path, size_t lineNo, const std::string& line,
                 const char* role) const {
        const auto it = vocab.find(sym);
        if (it == vocab.end())
            throw Error("CLIP tokenizer: merges file '" + path + "' line " + std::to_string(lineNo) +
                        ": the merge '" + shorten(line) + "' " + role + " '" + shorten(sym) +
                        "', which is not in the vocabulary '" + vocabPath + "'");
        return it->second;
    }

    void loadMerges(const std::string& path) {
        const std::string text = readFile(path, "merges file");
        // Python: text.strip().split("\n"), the "#version" line skipped, then CLIP's merge count.
        size_t b = 0, e = text.size();
        auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
        while (b < e && ws(text[b])) ++b;
        while (e > b && ws(text[e - 1])) --e;
        std::vector<std::pair<size_t, size_t>> lines;  // [begin, end) of each line
        for (size_t p = b; p <= e && b < e;) {
            size_t nl = text.find('\n', p);
            if (nl == std::string::npos || nl > e) nl = e;
            lines.emplace_back(p, nl);
            p = nl + 1;
        }
        size_t first = 0;
        if (!lines.empty() && lines[0].second > lines[0].first && text[lines[0].first] == '#') first = 1;
        const size_t last = std::min(lines.size(), first + kMaxMerges);
        merges.reserve(last - first);
        size_t count = 0;
        std::string line, joined;
        std::vector<std::string> parts;
        for (size_t li = first; li < last; ++li) {
            line.assign(text, lines[li].first, lines[li].second - lines[li].first);
            size_t nparts = 0;
            for (size_t p = 0; p < line.size();) {
                while (p < line.size() && ws(line[p])) ++p;
                size_t q = p;
                while (q < line.size() && !ws(line[q])) ++q;
                if (q > p) {
                    if (parts.size() <= nparts) parts.emplace_back();
                    parts[nparts++].assign(line, p, q - p);
                }
                p = q;
            }
            if (nparts == 0) continue;  // a blank line (it still counts toward CLIP's merge count)
            if (nparts != 2)
                throw Error("CLIP tokenizer: merges file '" + path + "' line " + std::to_string(li + 1) +
                            ": expected two symbols separated by a space, got '" + shorten(line) + "'");
            const int a = symbolId(parts[0], path, li + 1, line, "uses the symbol");
            const int c = symbolId(parts[1], path, li + 1, line, "uses the symbol");
            joined.assign(parts[0]).append(parts[1]);
            const int m = symbolId(joined, path, li + 1, line, "makes the symbol");
            // A repeated pair takes its last rank, as Python's dict(zip(merges, range(...))) does.
            merges[pairKey(a, c)] = {static_cast<int>(li - first), m};
            ++count;
        }
        if (count == 0) throw Error("CLIP tokenizer: merges file '" + path + "' holds no merges");
    }
};

struct ClipTokenizer::Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<int>> pieces;
};

// ---------------------------------------------------------------------------------------------
// ClipTokenizer

ClipTokenizer::ClipTokenizer(std::shared_ptr<const Model> model, int padId, int maxLength)
    : model_(std::move(model)), cache_(std::make_shared<Cache>()), padId_(padId), maxLength_(maxLength) {}

ClipTokenizer ClipTokenizer::fromFiles(const std::string& vocabJsonPath, const std::string& mergesTxtPath,
                                       int padId, int maxLength) {
    if (maxLength < 2)
        throw Error("CLIP tokenizer: maximum length " + std::to_string(maxLength) +
                    " leaves no room for the start and end tokens (it must be at least 2)");
    if (padId < 0) throw Error("CLIP tokenizer: padding id " + std::to_string(padId) + " is negative");
    auto model = std::make_shared<Model>();
    model->loadVocab(vocabJsonPath);
    model->loadMerges(mergesTxtPath);
    return ClipTokenizer(std::move(model), padId, maxLength);
}

namespace {

struct FolderConfig {
    std::string padToken = kEndOfText;
    std::string padSource;  // the file that named the pad token (for messages)
    int maxLength = 77;
};

nlohmann::json readJsonObject(const std::filesystem::path& path) {
    const std::string text = readFile(path.string(), "configuration file");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error("CLIP tokenizer: configuration file '" + path.string() + "' is not valid JSON: " + e.what());
    }
    if (!j.is_object())
        throw Error("CLIP tokenizer: configuration file '" + path.string() + "' must hold a JSON object, not " +
                    j.type_name());
    return j;
}

void readPadToken(const nlohmann::json& j, const std::filesystem::path& path, FolderConfig& cfg) {
    const auto it = j.find("pad_token");
    if (it == j.end() || it->is_null()) return;
    const nlohmann::json* v = &*it;
    if (v->is_object()) {
        const auto c = v->find("content");
        if (c == v->end() || !c->is_string())
            throw Error("CLIP tokenizer: configuration file '" + path.string() +
                        "': pad_token is an object without a string \"content\"");
        v = &*c;
    }
    if (!v->is_string())
        throw Error("CLIP tokenizer: configuration file '" + path.string() +
                    "': pad_token must be a string or an object with \"content\", not " + v->type_name());
    cfg.padToken = v->get<std::string>();
    cfg.padSource = path.string();
}

} // namespace

ClipTokenizer ClipTokenizer::fromFolder(const std::string& tokenizerDir) {
    namespace fs = std::filesystem;
    const fs::path dir(tokenizerDir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("CLIP tokenizer: tokenizer folder '" + tokenizerDir + "' does not exist or is not a folder");

    FolderConfig cfg;
    const fs::path configPath = dir / "tokenizer_config.json";
    if (fs::exists(configPath, ec)) {
        const nlohmann::json j = readJsonObject(configPath);
        readPadToken(j, configPath, cfg);
        if (const auto it = j.find("model_max_length"); it != j.end() && !it->is_null()) {
            if (!it->is_number())
                throw Error("CLIP tokenizer: configuration file '" + configPath.string() +
                            "': model_max_length must be a number, not " + it->type_name());
            const double v = it->get<double>();
            if (!(v >= 2))
                throw Error("CLIP tokenizer: configuration file '" + configPath.string() + "': model_max_length " +
                            it->dump() + " leaves no room for the start and end tokens (it must be at least 2)");
            cfg.maxLength = v >= 77 ? 77 : static_cast<int>(v);
        }
    }
    // transformers lets special_tokens_map.json override the tokens of tokenizer_config.json.
    const fs::path specialPath = dir / "special_tokens_map.json";
    if (fs::exists(specialPath, ec)) readPadToken(readJsonObject(specialPath), specialPath, cfg);

    auto model = std::make_shared<Model>();
    model->loadVocab((dir / "vocab.json").string());
    model->loadMerges((dir / "merges.txt").string());
    const auto pad = model->vocab.find(cfg.padToken);
    if (pad == model->vocab.end())
        throw Error("CLIP tokenizer: the pad token '" + shorten(cfg.padToken) + "'" +
                    (cfg.padSource.empty() ? std::string() : " named in '" + cfg.padSource + "'") +
                    " is not in the vocabulary '" + model->vocabPath + "'");
    const int padId = pad->second;
    return ClipTokenizer(std::move(model), padId, cfg.maxLength);
}

int ClipTokenizer::bosId() const { return model_->bos; }
int ClipTokenizer::eosId() const { return model_->eos; }
size_t ClipTokenizer::vocabSize() const { return model_->vocab.size(); }

std::string ClipTokenizer::normalize(const std::string& text) const { return text::cleanPromptText(text); }

std::vector<int> ClipTokenizer::bpePiece(const std::string& piece) const {
    if (piece == kStartOfText) return {model_->bos};
    if (piece == kEndOfText) return {model_->eos};
    {
        std::lock_guard<std::mutex> lock(cache_->mutex);
        const auto it = cache_->pieces.find(piece);
        if (it != cache_->pieces.end()) return it->second;
    }
    const Model& m = *model_;
    std::vector<int> word;
    word.reserve(piece.size());
    for (size_t i = 0; i < piece.size(); ++i) {
        const auto b = static_cast<unsigned char>(piece[i]);
        word.push_back(i + 1 < piece.size() ? m.byteId[b] : m.byteEndId[b]);
    }
    std::vector<int> next;
    next.reserve(word.size());
    while (word.size() > 1) {
        // The adjacent pair of lowest rank.
        int bestRank = INT_MAX, first = -1, second = -1, merged = -1;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            const auto it = m.merges.find(Model::pairKey(word[i], word[i + 1]));
            if (it != m.merges.end() && it->second.first < bestRank) {
                bestRank = it->second.first;
                first = word[i];
                second = word[i + 1];
                merged = it->second.second;
            }
        }
        if (merged < 0) break;
        // Merge every occurrence, left to right.
        next.clear();
        for (size_t i = 0; i < word.size();) {
            if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                next.push_back(merged);
                i += 2;
            } else {
                next.push_back(word[i]);
                ++i;
            }
        }
        word.swap(next);
    }
    {
        std::lock_guard<std::mutex> lock(cache_->mutex);
        if (cache_->pieces.size() >= kMaxCacheEntries) cache_->pieces.clear();
        cache_->pieces.emplace(piece, word);
    }
    return word;
}

std::vector<int> ClipTokenizer::encode(const std::string& text) const {
    std::vector<int> ids;
    for (const std::string& piece : preTokenize(text::cleanPromptText(text))) {
        const std::vector<int> p = bpePiece(piece);
        ids.insert(ids.end(), p.begin(), p.end());
    }
    return ids;
}

std::vector<std::string> ClipTokenizer::tokens(const std::string& text) const {
    std::vector<std::string> out;
    const std::vector<int> ids = encode(text);
    out.reserve(ids.size());
    const Model& m = *model_;
    std::call_once(m.decoderOnce, [&m] {
        m.decoder.reserve(m.vocab.size());
        for (const auto& [token, id] : m.vocab) m.decoder.emplace(id, &token);
    });
    for (int id : ids) {
        const auto it = model_->decoder.find(id);
        out.push_back(it == model_->decoder.end() ? std::string() : *it->second);
    }
    return out;
}

std::vector<int64_t> ClipTokenizer::encodePadded(const std::string& text) const {
    const std::vector<int> ids = encode(text);
    const size_t room = static_cast<size_t>(maxLength_ - 2);
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(maxLength_));
    out.push_back(model_->bos);
    for (size_t i = 0; i < ids.size() && i < room; ++i) out.push_back(ids[i]);
    out.push_back(model_->eos);
    out.resize(static_cast<size_t>(maxLength_), padId_);
    return out;
}

} // namespace rlfseg
