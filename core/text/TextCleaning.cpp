// Prompt text cleaning (see TextCleaning.h), following step by step and in the same order what
// openai/CLIP's simple_tokenizer does. Character properties, case mappings and normalisation come
// from ICU.

#include "core/text/TextCleaning.h"

#include "core/text/HtmlEntities.h"
#include "core/util/Error.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <utility>

namespace rlfseg::text {

namespace {

using U32 = std::u32string;

} // namespace

char32_t windows1252C1(char32_t c) {
    static constexpr char32_t kHigh[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    return kHigh[c - 0x80];
}

// ---------------------------------------------------------------------------------------------
// UTF-8 <-> UTF-32

U32 decodeUtf8(const std::string& s) {
    U32 out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80) {
            out.push_back(c);
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2; cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3; cp = c & 0x0F;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;  // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4; cp = c & 0x07;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        size_t j = i + 1;
        bool ok = true;
        for (int k = 1; k < len; ++k, ++j) {
            const unsigned cc = j < n ? p[j] : 0;
            const unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (j >= n || cc < l || cc > h) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        out.push_back(ok ? cp : char32_t(0xFFFD));
        i = j;  // on error j stops at the offending byte, which is decoded next
    }
    return out;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

namespace {

std::string encodeUtf8(const U32& s) {
    std::string out;
    out.reserve(s.size() + s.size() / 2);
    for (char32_t c : s) appendUtf8(out, c);
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// ICU helpers

namespace {

icu::UnicodeString toIcu(const U32& s) {
    return icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()),
                                         static_cast<int32_t>(s.size()));
}

U32 fromIcu(const icu::UnicodeString& us) {
    U32 out;
    out.reserve(static_cast<size_t>(us.length()));
    for (int32_t i = 0; i < us.length();) {
        const UChar32 c = us.char32At(i);
        out.push_back(static_cast<char32_t>(c));
        i += U16_LENGTH(c);
    }
    return out;
}

const icu::Normalizer2& normalizer(bool compat) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* n =
        compat ? icu::Normalizer2::getNFKCInstance(err) : icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err) || n == nullptr)
        throw Error(std::string("ICU normalisation data is unavailable: ") + u_errorName(err));
    return *n;
}

U32 normalizeIcu(const U32& s, bool compat) {
    const icu::Normalizer2& n = normalizer(compat);
    icu::UnicodeString us = toIcu(s);
    UErrorCode err = U_ZERO_ERROR;
    if (n.isNormalized(us, err) && U_SUCCESS(err)) return s;
    err = U_ZERO_ERROR;
    icu::UnicodeString res = n.normalize(us, err);
    if (U_FAILURE(err)) throw Error(std::string("ICU normalisation failed: ") + u_errorName(err));
    return fromIcu(res);
}

// Python's str.lower(): full case mappings, no locale tailoring (root locale), Final_Sigma handled.
U32 lowerFull(const U32& s) {
    icu::UnicodeString us = toIcu(s);
    us.toLower(icu::Locale::getRoot());
    return fromIcu(us);
}

} // namespace

U32 upperFull(const U32& s) {
    icu::UnicodeString us = toIcu(s);
    us.toUpper(icu::Locale::getRoot());
    return fromIcu(us);
}

// ---------------------------------------------------------------------------------------------
// Character classes, and the ftfy fixes

namespace {

// Python's str.isspace(), which is also what `re`'s \s matches in a str pattern: general category
// Zs, or bidirectional class WS, B or S.
bool isPySpace(char32_t c) {
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return true;
    if (c < 0x1C) return false;
    if (u_charType(static_cast<UChar32>(c)) == U_SPACE_SEPARATOR) return true;
    const UCharDirection d = u_charDirection(static_cast<UChar32>(c));
    return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

bool isDecimal(char32_t c) { return u_charType(static_cast<UChar32>(c)) == U_DECIMAL_DIGIT_NUMBER; }

// ftfy's fixes other than unescape_html (HtmlEntities.cpp), in the order fix_and_explain applies
// them.

U32 fixC1Controls(U32 s) {
    for (char32_t& c : s)
        if (c >= 0x80 && c <= 0x9F) c = windows1252C1(c);
    return s;
}

U32 fixLatinLigatures(const U32& s) {
    U32 out;
    out.reserve(s.size());
    for (char32_t c : s) {
        switch (c) {
            case 0x0132: out += U"IJ"; break;
            case 0x0133: out += U"ij"; break;
            case 0x0149: out += U"\u02BCn"; break;
            case 0x01F1: out += U"DZ"; break;
            case 0x01F2: out += U"Dz"; break;
            case 0x01F3: out += U"dz"; break;
            case 0x01C4: out += U"D\u017D"; break;
            case 0x01C5: out += U"D\u017E"; break;
            case 0x01C6: out += U"d\u017E"; break;
            case 0x01C7: out += U"LJ"; break;
            case 0x01C8: out += U"Lj"; break;
            case 0x01C9: out += U"lj"; break;
            case 0x01CA: out += U"NJ"; break;
            case 0x01CB: out += U"Nj"; break;
            case 0x01CC: out += U"nj"; break;
            case 0xFB00: out += U"ff"; break;
            case 0xFB01: out += U"fi"; break;
            case 0xFB02: out += U"fl"; break;
            case 0xFB03: out += U"ffi"; break;
            case 0xFB04: out += U"ffl"; break;
            case 0xFB05: out += U"\u017Ft"; break;
            case 0xFB06: out += U"st"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

// Halfwidth and fullwidth forms (U+FF01..U+FFEF) -> their NFKC forms; U+3000 -> space.
U32 fixCharacterWidth(const U32& s) {
    static const std::array<U32, 0xFFF0 - 0xFF01> table = [] {
        std::array<U32, 0xFFF0 - 0xFF01> t;
        for (char32_t c = 0xFF01; c < 0xFFF0; ++c) {
            const U32 one(1, c);
            const U32 alt = normalizeIcu(one, /*compat=*/true);
            if (alt != one) t[c - 0xFF01] = alt;
        }
        return t;
    }();
    U32 out;
    out.reserve(s.size());
    for (char32_t c : s) {
        if (c == 0x3000) {
            out.push_back(U' ');
        } else if (c >= 0xFF01 && c < 0xFFF0 && !table[c - 0xFF01].empty()) {
            out += table[c - 0xFF01];
        } else {
            out.push_back(c);
        }
    }
    return out;
}

U32 uncurlQuotes(U32 s) {
    for (char32_t& c : s) {
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B))
            c = U'\'';
        else if (c >= 0x201C && c <= 0x201F)
            c = U'"';
    }
    return s;
}

U32 fixLineBreaks(const U32& s) {
    U32 out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c == U'\r') {
            out.push_back(U'\n');
            if (i + 1 < s.size() && s[i + 1] == U'\n') ++i;
        } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
            out.push_back(U'\n');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// ESC [ (\d|;)* [a-zA-Z]
U32 removeTerminalEscapes(const U32& s) {
    if (s.find(char32_t(0x1B)) == U32::npos) return s;
    U32 out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == U'[') {
            size_t j = i + 2;
            while (j < s.size() && (s[j] == U';' || isDecimal(s[j]))) ++j;
            if (j < s.size() && s[j] < 0x80 && std::isalpha(static_cast<int>(s[j]))) {
                i = j + 1;
                continue;
            }
        }
        out.push_back(s[i++]);
    }
    return out;
}

bool isRemovedControl(char32_t c) {
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
           (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

U32 removeControlChars(U32 s) {
    s.erase(std::remove_if(s.begin(), s.end(), isRemovedControl), s.end());
    return s;
}

// ftfy.fix_and_explain on one segment: apply the fixes until the text stops changing.
U32 ftfyFixSegment(U32 text, bool unescapeHtml) {
    while (true) {
        const U32 orig = text;
        if (unescapeHtml) text = ftfyUnescapeHtml(text);
        // (fix_encoding, the mojibake repair, is not reproduced.)
        text = fixC1Controls(std::move(text));
        text = fixLatinLigatures(text);
        text = fixCharacterWidth(text);
        text = uncurlQuotes(std::move(text));
        text = fixLineBreaks(text);
        // fix_surrogates: decoded UTF-8 holds no surrogates.
        text = removeTerminalEscapes(text);
        text = removeControlChars(std::move(text));
        text = normalizeIcu(text, /*compat=*/false);
        if (text == orig) return text;
    }
}

// ftfy.fix_text: fixes the text line by line (segments end after '\n', at most 1e6 characters);
// once a segment holds '<' (looks like HTML), entities are left for the rest of the text.
U32 ftfyFixText(const U32& text) {
    constexpr size_t kMaxSegment = 1000000;
    U32 out;
    out.reserve(text.size());
    bool unescapeHtml = true;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t brk = text.find(U'\n', pos);
        brk = brk == U32::npos ? text.size() : brk + 1;
        if (brk - pos > kMaxSegment) brk = pos + kMaxSegment;
        const U32 segment = text.substr(pos, brk - pos);
        if (segment.find(U'<') != U32::npos) unescapeHtml = false;
        out += ftfyFixSegment(segment, unescapeHtml);
        pos = brk;
    }
    return out;
}

U32 pyStrip(const U32& s) {
    size_t b = 0, e = s.size();
    while (b < e && isPySpace(s[b])) ++b;
    while (e > b && isPySpace(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// re.sub(r'\s+', ' ', text).strip()
U32 collapseWhitespace(const U32& s) {
    U32 out;
    out.reserve(s.size());
    bool inSpace = false;
    for (char32_t c : s) {
        if (isPySpace(c)) {
            inSpace = true;
        } else {
            if (inSpace && !out.empty()) out.push_back(U' ');
            inSpace = false;
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

std::string cleanPromptText(const std::string& utf8) {
    U32 text = ftfyFixText(decodeUtf8(utf8));
    text = pyHtmlUnescape(pyHtmlUnescape(text));
    text = pyStrip(text);
    text = collapseWhitespace(text);
    return encodeUtf8(lowerFull(text));
}

} // namespace rlfseg::text
