#pragma once
// The CLIP byte-level BPE tokenizer of Stable Diffusion's text encoder, equal to openai/CLIP's
// simple_tokenizer.py (and Hugging Face's slow CLIPTokenizer, which restates it):
//
//   1. clean the text as ftfy 6.3.1 `fix_text` does with its default settings (HTML entities,
//      C1 controls, Latin ligatures, character width, curly quotes, line breaks, terminal escapes,
//      control characters, NFC), then `html.unescape` twice, strip;
//   2. collapse runs of whitespace to one space, strip, lower-case (full Unicode lower-casing);
//   3. split with CLIP's pre-tokenizer pattern
//      <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
//      (case-insensitive);
//   4. map each piece's UTF-8 bytes through CLIP's bytes_to_unicode table and apply the BPE merges
//      in rank order, the last symbol of a piece carrying the `</w>` word end.
//
// Not reproduced: ftfy's mojibake repair (`fix_encoding`, which re-decodes text that looks like
// UTF-8 read as Latin-1/Windows-125x). Prompts typed or pasted by a person do not need it.
//
// Thread-safety: a ClipTokenizer is immutable after construction except for its BPE cache, which
// is guarded by a mutex, so encode()/tokens()/encodePadded() may be called from several threads.
// Copies share the vocabulary and the cache.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rlfseg {

class ClipTokenizer {
public:
    static constexpr int kBos = 49406, kEos = 49407;  // resolved from the vocab when present

    // vocab.json + merges.txt; padId = id used for padding (49407 for SD 1.x, 0 for SD 2.x);
    // maxLength usually 77. Throws rlfseg::Error naming the file on a missing or malformed file.
    static ClipTokenizer fromFiles(const std::string& vocabJsonPath, const std::string& mergesTxtPath,
                                   int padId, int maxLength = 77);

    // A diffusers `tokenizer/` folder: vocab.json, merges.txt, and tokenizer_config.json and/or
    // special_tokens_map.json giving `pad_token` (a string such as "<|endoftext|>" or "!", or an
    // object {"content": "..."}) and `model_max_length` (values above 77, e.g. the 1e30 sentinel HF
    // writes, mean 77). special_tokens_map.json's pad_token wins over tokenizer_config.json's, as in
    // transformers. Missing config -> pad "<|endoftext|>", 77.
    static ClipTokenizer fromFolder(const std::string& tokenizerDir);

    // The cleaned text the pre-tokenizer sees (UTF-8).
    std::string normalize(const std::string& text) const;
    // BPE ids, no BOS/EOS, not truncated.
    std::vector<int> encode(const std::string& text) const;
    // The BPE strings (byte-level unicode, `</w>` marks a word end) for encode().
    std::vector<std::string> tokens(const std::string& text) const;
    // [BOS] + ids[:maxLength-2] + [EOS], right-padded with padId to maxLength.
    std::vector<int64_t> encodePadded(const std::string& text) const;

    int padId() const { return padId_; }
    int maxLength() const { return maxLength_; }
    int bosId() const;
    int eosId() const;
    size_t vocabSize() const;

private:
    struct Model;  // vocabulary and merge table (defined in the .cpp)
    struct Cache;  // per-piece BPE cache with its mutex

    ClipTokenizer(std::shared_ptr<const Model> model, int padId, int maxLength);
    // Ids of one pre-tokenizer piece (UTF-8 bytes as produced by the pre-tokenizer).
    std::vector<int> bpePiece(const std::string& piece) const;

    std::shared_ptr<const Model> model_;
    std::shared_ptr<Cache> cache_;
    int padId_ = kEos;
    int maxLength_ = 77;
};

} // namespace rlfseg
