// The CLIP tokenizer against the golden cases of openai/CLIP's simple_tokenizer (ftfy 6.3.1) in
// shared/fixtures/sd-parity/tokenizer_cases.json, plus folder configuration and error handling.

#include "core/text/ClipTokenizer.h"
#include "core/util/Error.h"
#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using rlfseg::test::errorOf;

namespace {

using rlfseg::ClipTokenizer;
namespace fs = std::filesystem;

struct GoldenCase {
    std::string prompt;
    std::vector<int> ids;
    std::vector<std::string> tokens;
    std::vector<int64_t> inputIds;
    std::vector<int64_t> inputIdsPad0;
    std::string normalized;
};

const std::vector<GoldenCase>& goldenCases() {
    static const std::vector<GoldenCase> cases = [] {
        std::ifstream in(rlfseg::test::fixture("tokenizer_cases.json"));
        if (!in) throw std::runtime_error("cannot open tokenizer_cases.json");
        const nlohmann::json j = nlohmann::json::parse(in);
        std::vector<GoldenCase> out;
        for (const auto& c : j.at("cases")) {
            GoldenCase g;
            g.prompt = c.at("prompt").get<std::string>();
            g.ids = c.at("ids").get<std::vector<int>>();
            g.tokens = c.at("tokens").get<std::vector<std::string>>();
            g.inputIds = c.at("input_ids").get<std::vector<int64_t>>();
            g.inputIdsPad0 = c.at("input_ids_pad0").get<std::vector<int64_t>>();
            g.normalized = c.at("normalized_text").get<std::string>();
            out.push_back(std::move(g));
        }
        return out;
    }();
    return cases;
}

const ClipTokenizer& sd15() {
    static const ClipTokenizer tok = ClipTokenizer::fromFiles(
        rlfseg::test::fixture("vocab.json").string(), rlfseg::test::fixture("merges.txt").string(), 49407, 77);
    return tok;
}

const ClipTokenizer& sd21() {
    static const ClipTokenizer tok = ClipTokenizer::fromFiles(
        rlfseg::test::fixture("vocab.json").string(), rlfseg::test::fixture("merges.txt").string(), 0, 77);
    return tok;
}

void writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A tokenizer folder with the fixture's vocab and merges.
fs::path makeTokenizerDir(const std::string& tag) {
    const fs::path dir = rlfseg::test::makeTempDir(tag);
    fs::copy_file(rlfseg::test::fixture("vocab.json"), dir / "vocab.json");
    fs::copy_file(rlfseg::test::fixture("merges.txt"), dir / "merges.txt");
    return dir;
}

// ---------------------------------------------------------------------------------------------
// Golden cases

class ClipTokenizerGolden : public ::testing::TestWithParam<size_t> {};

TEST_P(ClipTokenizerGolden, MatchesReference) {
    const GoldenCase& c = goldenCases().at(GetParam());
    SCOPED_TRACE("prompt: \"" + c.prompt + "\"");
    EXPECT_EQ(sd15().normalize(c.prompt), c.normalized);
    EXPECT_EQ(sd15().encode(c.prompt), c.ids);
    EXPECT_EQ(sd15().tokens(c.prompt), c.tokens);
    EXPECT_EQ(sd15().encodePadded(c.prompt), c.inputIds);
    EXPECT_EQ(sd21().encodePadded(c.prompt), c.inputIdsPad0);
}

INSTANTIATE_TEST_SUITE_P(AllCases, ClipTokenizerGolden, ::testing::Range<size_t>(0, 42),
                         [](const ::testing::TestParamInfo<size_t>& p) {
                             return "case" + std::to_string(p.param);
                         });

TEST(ClipTokenizer, FixtureHas42Cases) { EXPECT_EQ(goldenCases().size(), 42u); }

TEST(ClipTokenizer, Basics) {
    const ClipTokenizer& tok = sd15();
    EXPECT_EQ(tok.vocabSize(), 49408u);
    EXPECT_EQ(tok.bosId(), ClipTokenizer::kBos);
    EXPECT_EQ(tok.eosId(), ClipTokenizer::kEos);
    EXPECT_EQ(tok.padId(), 49407);
    EXPECT_EQ(tok.maxLength(), 77);
    EXPECT_EQ(sd21().padId(), 0);
    // Empty prompt: BOS, EOS, then padding.
    const std::vector<int64_t> empty = sd21().encodePadded("");
    ASSERT_EQ(empty.size(), 77u);
    EXPECT_EQ(empty[0], 49406);
    EXPECT_EQ(empty[1], 49407);
    EXPECT_EQ(empty[2], 0);
    // The special tokens written in a prompt are kept as such, as the reference does.
    EXPECT_EQ(tok.encode("a <|endoftext|> b"), (std::vector<int>{320, 49407, 321}));
}

TEST(ClipTokenizer, CleaningBeyondTheCases) {
    const ClipTokenizer& tok = sd15();
    // Numeric and named references, also nested (ftfy repeats, then html.unescape twice).
    EXPECT_EQ(tok.normalize("it&#x2019;s &eacute;t&eacute; &amp;amp;lt; &#65;"), "it's été < a");
    // All-caps names are decoded by ftfy, legacy names without ';' by html.unescape.
    EXPECT_EQ(tok.normalize("P&EACUTE;REZ &copy 2024"), "pérez © 2024");
    // Once a line holds '<', ftfy leaves entities alone, so &rsquo; stays curly.
    EXPECT_EQ(tok.normalize("<b> it&rsquo;s"), "<b> it\u2019s");
    // Ligatures, widths, quotes, C1 controls, control characters, terminal escapes.
    EXPECT_EQ(tok.normalize("\uFB00\uFB03 \uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25"),
              "ffffi loud noise");
    EXPECT_EQ(tok.normalize("\u201Chi\u201D \u2018x\u2019 \u02BCy"), "\"hi\" 'x' 'y");
    // C1 controls read as Windows-1252 (then uncurled).
    EXPECT_EQ(tok.normalize("a\u0093b\u0094 c\u0085"), "a\"b\" c\u2026");
    EXPECT_EQ(tok.normalize("\x1b[31mred\x1b[0m a\x01" "b\u200Bc\uFEFF"), "red ab\u200Bc");
    // Unicode whitespace collapses; full lower-casing with final sigma.
    EXPECT_EQ(tok.normalize("a\u00A0\u2003b\u2028c\r\nd"), "a b c d");
    EXPECT_EQ(tok.normalize("\u039F\u0394\u039F\u03A3 \u0130"), "\u03BF\u03B4\u03BF\u03C2 i\u0307");
    // Half-width katakana widen and compose (NFC) with their voiced marks.
    EXPECT_EQ(tok.normalize("\uFF76\uFF9E"), "\u30AC");
}

TEST(ClipTokenizer, PreTokenizerDetails) {
    const ClipTokenizer& tok = sd15();
    // Contractions split off; a lone quote stays punctuation.
    EXPECT_EQ(tok.tokens("don't"), (std::vector<std::string>{"don</w>", "'t</w>"}));
    // Digits one per token; punctuation runs stay together.
    EXPECT_EQ(tok.tokens("42!?"), (std::vector<std::string>{"4</w>", "2</w>", "!?</w>"}));
}

TEST(ClipTokenizer, ThreadSafeEncode) {
    const ClipTokenizer tok = ClipTokenizer::fromFiles(rlfseg::test::fixture("vocab.json").string(),
                                                       rlfseg::test::fixture("merges.txt").string(), 49407);
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int rep = 0; rep < 3; ++rep)
                for (const GoldenCase& c : goldenCases())
                    if (tok.encode(c.prompt) != c.ids) ++failures[t];
        });
    }
    for (auto& th : threads) th.join();
    for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(ClipTokenizer, LoadsQuickly) {
    const auto t0 = std::chrono::steady_clock::now();
    const ClipTokenizer tok = ClipTokenizer::fromFiles(rlfseg::test::fixture("vocab.json").string(),
                                                       rlfseg::test::fixture("merges.txt").string(), 49407);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(tok.vocabSize(), 49408u);
    // Generous: the target is well under 0.5 s in a release build; debug builds and sanitizers are slower.
    EXPECT_LT(s, 5.0);
}

// ---------------------------------------------------------------------------------------------
// fromFolder

TEST(ClipTokenizerFolder, NoConfigMeansEndOfTextPadAnd77) {
    const fs::path dir = makeTokenizerDir("tok-noconf");
    const ClipTokenizer tok = ClipTokenizer::fromFolder(dir.string());
    EXPECT_EQ(tok.padId(), 49407);
    EXPECT_EQ(tok.maxLength(), 77);
    EXPECT_EQ(tok.encodePadded(goldenCases()[0].prompt), goldenCases()[0].inputIds);
}

TEST(ClipTokenizerFolder, Sd2ConfigPadsWithExclamationMark) {
    const fs::path dir = makeTokenizerDir("tok-sd2");
    writeFile(dir / "tokenizer_config.json",
              R"({"add_prefix_space": false, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                  "pad_token": "!", "model_max_length": 77, "tokenizer_class": "CLIPTokenizer"})");
    const ClipTokenizer tok = ClipTokenizer::fromFolder(dir.string());
    EXPECT_EQ(tok.padId(), 0);
    EXPECT_EQ(tok.maxLength(), 77);
    for (const GoldenCase& c : goldenCases()) EXPECT_EQ(tok.encodePadded(c.prompt), c.inputIdsPad0) << c.prompt;
}

TEST(ClipTokenizerFolder, ObjectPadTokenAndHugeMaxLength) {
    const fs::path dir = makeTokenizerDir("tok-obj");
    writeFile(dir / "tokenizer_config.json",
              R"({"pad_token": {"__type": "AddedToken", "content": "<|endoftext|>", "lstrip": false,
                                "normalized": true, "rstrip": false, "single_word": false},
                  "model_max_length": 1000000000000000019884624838656})");
    const ClipTokenizer tok = ClipTokenizer::fromFolder(dir.string());
    EXPECT_EQ(tok.padId(), 49407);
    EXPECT_EQ(tok.maxLength(), 77);
}

TEST(ClipTokenizerFolder, SpecialTokensMapOverridesConfigAndShortMaxLength) {
    const fs::path dir = makeTokenizerDir("tok-stm");
    writeFile(dir / "tokenizer_config.json", R"({"pad_token": "<|endoftext|>", "model_max_length": 8})");
    writeFile(dir / "special_tokens_map.json", R"({"pad_token": {"content": "!"}})");
    const ClipTokenizer tok = ClipTokenizer::fromFolder(dir.string());
    EXPECT_EQ(tok.padId(), 0);
    EXPECT_EQ(tok.maxLength(), 8);
    EXPECT_EQ(tok.encodePadded("a photo"), (std::vector<int64_t>{49406, 320, 1125, 49407, 0, 0, 0, 0}));
    // Truncated to maxLength - 2 ids.
    EXPECT_EQ(tok.encodePadded("a a a a a a a a a"),
              (std::vector<int64_t>{49406, 320, 320, 320, 320, 320, 320, 49407}));
}

TEST(ClipTokenizerFolder, BadConfigsThrow) {
    const fs::path dir = makeTokenizerDir("tok-bad");
    writeFile(dir / "tokenizer_config.json", R"({"pad_token": "<pad>"})");
    std::string msg = errorOf([&] { ClipTokenizer::fromFolder(dir.string()); });
    EXPECT_NE(msg.find("<pad>"), std::string::npos) << msg;
    EXPECT_NE(msg.find("tokenizer_config.json"), std::string::npos) << msg;

    writeFile(dir / "tokenizer_config.json", R"({"pad_token": 5})");
    msg = errorOf([&] { ClipTokenizer::fromFolder(dir.string()); });
    EXPECT_NE(msg.find("pad_token"), std::string::npos) << msg;

    writeFile(dir / "tokenizer_config.json", R"({"model_max_length": "long"})");
    msg = errorOf([&] { ClipTokenizer::fromFolder(dir.string()); });
    EXPECT_NE(msg.find("model_max_length"), std::string::npos) << msg;

    writeFile(dir / "tokenizer_config.json", R"({"pad_token": "!", )");
    msg = errorOf([&] { ClipTokenizer::fromFolder(dir.string()); });
    EXPECT_NE(msg.find("tokenizer_config.json"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("NOT rlfseg::Error"), std::string::npos) << msg;

    msg = errorOf([&] { ClipTokenizer::fromFolder((dir / "nope").string()); });
    EXPECT_NE(msg.find("nope"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------------------------
// Errors in vocab.json and merges.txt

TEST(ClipTokenizerErrors, MissingVocab) {
    const fs::path dir = rlfseg::test::makeTempDir("tok-missing");
    const std::string msg = errorOf([&] {
        ClipTokenizer::fromFiles((dir / "vocab.json").string(), rlfseg::test::fixture("merges.txt").string(), 49407);
    });
    EXPECT_NE(msg.find((dir / "vocab.json").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
}

TEST(ClipTokenizerErrors, MissingMergesInFolder) {
    const fs::path dir = makeTokenizerDir("tok-nomerges");
    fs::remove(dir / "merges.txt");
    const std::string msg = errorOf([&] { ClipTokenizer::fromFolder(dir.string()); });
    EXPECT_NE(msg.find("merges.txt"), std::string::npos) << msg;
}

TEST(ClipTokenizerErrors, MalformedVocab) {
    const fs::path dir = rlfseg::test::makeTempDir("tok-badvocab");
    const std::string merges = rlfseg::test::fixture("merges.txt").string();
    const fs::path vocab = dir / "vocab.json";

    writeFile(vocab, R"({"a": 1, "b": )");
    std::string msg = errorOf([&] { ClipTokenizer::fromFiles(vocab.string(), merges, 49407); });
    EXPECT_NE(msg.find(vocab.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;

    writeFile(vocab, R"(["a", "b"])");
    msg = errorOf([&] { ClipTokenizer::fromFiles(vocab.string(), merges, 49407); });
    EXPECT_NE(msg.find(vocab.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("object"), std::string::npos) << msg;

    writeFile(vocab, R"({"a": "one"})");
    msg = errorOf([&] { ClipTokenizer::fromFiles(vocab.string(), merges, 49407); });
    EXPECT_NE(msg.find(vocab.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("'a'"), std::string::npos) << msg;

    // Valid JSON, but not a CLIP byte-level vocabulary.
    writeFile(vocab, R"({"a": 0, "b": 1})");
    msg = errorOf([&] { ClipTokenizer::fromFiles(vocab.string(), merges, 49407); });
    EXPECT_NE(msg.find(vocab.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte token"), std::string::npos) << msg;
}

TEST(ClipTokenizerErrors, BadMerges) {
    const fs::path dir = rlfseg::test::makeTempDir("tok-badmerges");
    const std::string vocab = rlfseg::test::fixture("vocab.json").string();
    const fs::path merges = dir / "merges.txt";
    const std::string good = readFile(rlfseg::test::fixture("merges.txt"));

    // A merge of symbols the vocabulary does not know (line 3).
    writeFile(merges, "#version: 0.2\ni n\nzzqq xxyy\nt h\n");
    std::string msg = errorOf([&] { ClipTokenizer::fromFiles(vocab, merges.string(), 49407); });
    EXPECT_NE(msg.find(merges.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("zzqq"), std::string::npos) << msg;

    // A line that is not two symbols.
    writeFile(merges, "#version: 0.2\ni n\nt h e\n");
    msg = errorOf([&] { ClipTokenizer::fromFiles(vocab, merges.string(), 49407); });
    EXPECT_NE(msg.find(merges.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("two symbols"), std::string::npos) << msg;

    // No merges at all.
    writeFile(merges, "#version: 0.2\n");
    msg = errorOf([&] { ClipTokenizer::fromFiles(vocab, merges.string(), 49407); });
    EXPECT_NE(msg.find(merges.string()), std::string::npos) << msg;

    // Windows line endings are fine.
    std::string crlf;
    for (char c : good) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    writeFile(merges, crlf);
    const ClipTokenizer tok = ClipTokenizer::fromFiles(vocab, merges.string(), 49407);
    EXPECT_EQ(tok.encode(goldenCases()[2].prompt), goldenCases()[2].ids);
}

TEST(ClipTokenizerErrors, BadArguments) {
    const std::string vocab = rlfseg::test::fixture("vocab.json").string();
    const std::string merges = rlfseg::test::fixture("merges.txt").string();
    EXPECT_THROW(ClipTokenizer::fromFiles(vocab, merges, 49407, 1), rlfseg::Error);
    EXPECT_THROW(ClipTokenizer::fromFiles(vocab, merges, -1, 77), rlfseg::Error);
}

} // namespace
