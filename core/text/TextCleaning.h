#pragma once
// Prompt text cleaning as openai/CLIP's simple_tokenizer does it, and the UTF-8 / Unicode helpers
// the tokenizer files share. Character properties, case mappings and normalisation come from ICU.

#include <string>

namespace rlfseg::text {

// Reproduces openai/CLIP's basic_clean + whitespace_clean + lower: ftfy 6.3.1 fix_text with its
// default settings minus the mojibake repair (fix_encoding), html.unescape twice, strip; runs of
// whitespace collapsed to one space, strip; full Unicode lower-casing. UTF-8 in and out
// (ill-formed input sequences become U+FFFD). Throws rlfseg::Error when ICU's normalisation data
// is unavailable.
std::string cleanPromptText(const std::string& utf8);

// Decodes UTF-8; each ill-formed sequence (maximal subpart) becomes U+FFFD.
std::u32string decodeUtf8(const std::string& s);
// Appends one Unicode scalar value as UTF-8.
void appendUtf8(std::string& out, char32_t c);

// Python's str.upper(): full case mappings, no locale tailoring (root locale).
std::u32string upperFull(const std::u32string& s);

// The Windows-1252 character of C1 control c (U+0080..U+009F) read as a byte; the five bytes 1252
// leaves undefined stay as they are. This is both Python's html table for invalid numeric
// references and ftfy's "sloppy-windows-1252".
char32_t windows1252C1(char32_t c);

} // namespace rlfseg::text
