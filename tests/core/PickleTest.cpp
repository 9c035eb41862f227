// Tests for core/io/Pickle: RefCOCO-like pickles from Python 2 and 3 (tests/data/pickle, see its
// README.md) against the JSON Python's own unpickler gives, hand-assembled opcodes, the memo's
// reference semantics, and hostile or damaged input, which must be an rlfseg::Error and never a crash.
//
// In the byte strings, a hex escape is closed by ending the literal ("K\x01" "a"), since "\x01a" would
// be read as one escape.

#include "core/io/Pickle.h"
#include "core/util/Error.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace std::string_literals;
using nlohmann::json;
using rlfseg::parsePickle;
using rlfseg::test::expectError;
namespace fs = std::filesystem;

namespace {

const char* const kSource = "hand-made.p";

json parse(const std::string& bytes) { return parsePickle(bytes, kSource); }

// Expects an rlfseg::Error naming the source and containing `needle`.
void expectRejected(const std::string& bytes, const std::string& needle) {
    expectError([&] { parse(bytes); }, kSource, needle);
}

fs::path pickleDir() { return rlfseg::test::testDataDir() / "pickle"; }

const char* const kDataFiles[] = {"refs_protocol0",     "refs_protocol2",     "refs_protocol4",
                                  "refs_protocol5",     "refs_py2_protocol0", "refs_py2_protocol2"};

// --- the files in tests/data/pickle ---

class PickleDataFile : public ::testing::TestWithParam<const char*> {};

TEST_P(PickleDataFile, MatchesPythonsOwnUnpickler) {
    const fs::path p = pickleDir() / (std::string(GetParam()) + ".p");
    const json expected = json::parse(rlfseg::test::readBytes(pickleDir() / (std::string(GetParam()) + ".json")));
    const json got = rlfseg::readPickleFile(p.string());
    EXPECT_EQ(got, expected) << "got:\n" << got.dump(1) << "\nexpected:\n" << expected.dump(1);

    // A few fields by hand, in case the JSON was regenerated wrongly.
    ASSERT_TRUE(got.is_array());
    ASSERT_EQ(got.size(), 2u);
    const json& first = got[0];
    EXPECT_EQ(first["split"], "train");
    EXPECT_EQ(first["sent_ids"], json::array({0, 1}));
    EXPECT_EQ(first["sentences"][0]["raw"], "The caf\xc3\xa9 on the left.");
    // The same token list in both sentences: the second is a memo GET, after the first was filled.
    const json tokens = json::array({"the", "caf\xc3\xa9", "on", "the", "left"});
    EXPECT_EQ(first["sentences"][0]["tokens"], tokens);
    EXPECT_EQ(first["sentences"][1]["tokens"], tokens);
    EXPECT_EQ(first["box"], json::array({1.5, -2.25, 3e10, 640}));
    EXPECT_EQ(first["score"], 0.875);
    EXPECT_TRUE(first["mask"].is_null());
    EXPECT_EQ(first["iscrowd"], false);
    EXPECT_EQ(first["valid"], true);
    const json& second = got[1];
    EXPECT_EQ(second["meta"], first["meta"]);
    EXPECT_EQ(second["ann_id"].get<int64_t>(), 3000000001LL);
    EXPECT_EQ(second["big"].get<int64_t>(), int64_t(1) << 62);
    EXPECT_EQ(second["negative"].get<int64_t>(), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(second["by_id"]["-7"], "minus seven");
    EXPECT_EQ(second["sentences"][0]["tokens"][2], "\xf0\x9f\x98\x80");
    EXPECT_EQ(second["sentences"][0]["raw"], "Tab\there,\nnew line, \\u0041 is not an escape, \xe2\x82\xac");
    if (second.contains("latin1")) {
        EXPECT_EQ(second["latin1"], "\xc3\xa9t\xc3\xa9");
    }
    if (second.contains("a_set")) {
        EXPECT_EQ(second["a_set"], json::array({1, 2, 3}));
    }
    EXPECT_NO_THROW(got.dump(-1, ' ', false, json::error_handler_t::strict)); // valid UTF-8 throughout
}

// A file cut short anywhere is an error, never a crash nor a partial result.
TEST_P(PickleDataFile, EveryTruncationIsAnError) {
    const std::string bytes = rlfseg::test::readBytes(pickleDir() / (std::string(GetParam()) + ".p"));
    ASSERT_GT(bytes.size(), 100u);
    for (size_t n = 0; n < bytes.size(); ++n) {
        try {
            parsePickle(bytes.substr(0, n), "cut.p");
            ADD_FAILURE() << "a prefix of " << n << " bytes was accepted";
        } catch (const rlfseg::Error& e) {
            EXPECT_NE(std::string(e.what()).find("cut.p: byte "), std::string::npos) << e.what();
        }
    }
}

// Random damage: every result is either JSON that dumps as valid UTF-8 or an rlfseg::Error.
TEST_P(PickleDataFile, RandomDamageIsAnErrorOrValidJson) {
    const std::string original = rlfseg::test::readBytes(pickleDir() / (std::string(GetParam()) + ".p"));
    std::mt19937 rng(12345);
    int accepted = 0;
    for (int round = 0; round < 1000; ++round) {
        std::string bytes = original;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !bytes.empty(); ++e) {
            const size_t at = rng() % bytes.size();
            switch (rng() % 4) {
            case 0: bytes[at] = static_cast<char>(rng()); break;
            case 1: bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8))); break;
            case 2: bytes.erase(at, 1 + rng() % 8); break;
            default: bytes.insert(at, 1, static_cast<char>(rng())); break;
            }
        }
        try {
            const json j = parsePickle(bytes, "damaged.p");
            EXPECT_NO_THROW(j.dump(-1, ' ', false, json::error_handler_t::strict));
            ++accepted;
        } catch (const rlfseg::Error&) {
        }
    }
    EXPECT_LT(accepted, 1000);
}

INSTANTIATE_TEST_SUITE_P(RefCocoLike, PickleDataFile, ::testing::ValuesIn(kDataFiles));

TEST(Pickle, MissingFileNamesIt) {
    const fs::path p = rlfseg::test::makeTempDir("pickle") / "absent(unc).p";
    expectError([&] { rlfseg::readPickleFile(p.string()); }, p);
}

// --- protocol 0 text forms, as Python 2 wrote them ---

TEST(Pickle, Protocol0Numbers) {
    const json j = parse("(I42\nI-7\nI01\nI00\nI0\nL123L\nL-9223372036854775808L\nL5\nI9223372036854775807\n"
                         "F1.5\nF-0.25\nF1e300\nF30000000000\nFinf\nF-inf\nF1e999\nl.");
    ASSERT_EQ(j.size(), 16u);
    EXPECT_EQ(j[0], 42);
    EXPECT_EQ(j[1], -7);
    EXPECT_EQ(j[2], true);
    EXPECT_EQ(j[3], false);
    EXPECT_TRUE(j[4].is_number_integer());
    EXPECT_EQ(j[4], 0);
    EXPECT_EQ(j[5], 123);
    EXPECT_EQ(j[6].get<int64_t>(), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(j[7], 5);
    EXPECT_EQ(j[8].get<int64_t>(), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(j[9], 1.5);
    EXPECT_EQ(j[10], -0.25);
    EXPECT_EQ(j[11], 1e300);
    EXPECT_EQ(j[12], 3e10);
    EXPECT_TRUE(std::isinf(j[13].get<double>()) && j[13].get<double>() > 0);
    EXPECT_TRUE(std::isinf(j[14].get<double>()) && j[14].get<double>() < 0);
    EXPECT_TRUE(std::isinf(j[15].get<double>())); // Python's float() overflows to inf too
}

TEST(Pickle, Protocol0NumberErrors) {
    expectRejected("I9223372036854775808\n.", "does not fit in 64 bits");
    expectRejected("L-9223372036854775809L\n.", "does not fit in 64 bits");
    expectRejected("L123456789012345678901234567890L\n.", "does not fit in 64 bits");
    expectRejected("I12x\n.", "is not a decimal integer");
    expectRejected("I\n.", "is not a decimal integer");
    expectRejected("I-\n.", "is not a decimal integer");
    expectRejected("Fabc\n.", "is not a number");
    expectRejected("F1.5x\n.", "is not a number");
    expectRejected("F--1\n.", "is not a number");
    expectRejected("F\n.", "is not a number");
    expectRejected("I42", "no end of line");
}

TEST(Pickle, Protocol0StringEscapes) {
    // Python 2's repr() of a str: quotes, \n \t, \xNN, octal, escaped quotes and backslashes.
    EXPECT_EQ(parse("S'a\\nb\\tc\\x41\\101\\\\ \\'q\\' \\\"'\n."), "a\nb\tcAA\\ 'q' \"");
    EXPECT_EQ(parse("S\"it's\"\n."), "it's");
    EXPECT_EQ(parse("S'caf\\xc3\\xa9'\n."), "caf\xc3\xa9");     // UTF-8 bytes
    EXPECT_EQ(parse("S'\\xe9t\\xe9'\n."), "\xc3\xa9t\xc3\xa9"); // not UTF-8: Latin-1
    EXPECT_EQ(parse("S'\\q\\0'\n."), "\\q"s + '\0');            // unknown escapes stay, \0 is NUL
    EXPECT_EQ(parse("S''\n."), "");
    expectRejected("S'abc\n.", "not in quotes");
    expectRejected("Sabc\n.", "not in quotes");
    expectRejected("S'\n.", "not in quotes");
    expectRejected("S'abc\\'\n.", "lone backslash");
    expectRejected("S'\\x4'\n.", "invalid \\x escape");
}

TEST(Pickle, Protocol0UnicodeEscapes) {
    // raw-unicode-escape: \u and \U escapes, other bytes are Latin-1, an even run of backslashes is text.
    EXPECT_EQ(parse("Vcaf\\u00e9 \\U0001F600 \\u005cu0041 \\\\u0041\n."),
              "caf\xc3\xa9 \xf0\x9f\x98\x80 \\u0041 \\\\u0041");
    EXPECT_EQ(parse("Vcaf\xe9\n."), "caf\xc3\xa9");
    EXPECT_EQ(parse("V\\n\\x\n."), "\\n\\x");
    EXPECT_EQ(parse("V\\ud83d\\ude00\n."), "\xf0\x9f\x98\x80");           // a surrogate pair
    EXPECT_EQ(parse("Va\\ud800b\\udc00\n."), "a\xef\xbf\xbd" "b\xef\xbf\xbd"); // lone halves: U+FFFD
    EXPECT_EQ(parse("V\n."), "");
    expectRejected("V\\u12\n.", "truncated \\u escape");
    expectRejected("V\\u12zz\n.", "truncated \\u escape");
    expectRejected("V\\U00110000\n.", "beyond U+10FFFF");
}

TEST(Pickle, Protocol0ContainersAndMemo) {
    // {'a': [1], 'b': <the same list>, 'c': ('x', None)}, as cPickle protocol 0 writes it.
    const json j = parse("(dp0\nS'a'\np1\n(lp2\nI1\nasS'b'\np3\ng2\nsS'c'\n(S'x'\nNtp4\ns.");
    EXPECT_EQ(j, json::parse(R"({"a": [1], "b": [1], "c": ["x", null]})"));
}

// --- binary forms ---

TEST(Pickle, Python2BinaryStrings) {
    // SHORT_BINSTRING 'abc', BINSTRING 'caf\xe9' (Latin-1) and 'caf\xc3\xa9' (UTF-8), in a tuple.
    const json j = parse("\x80\x02U\x03" "abc" "T\x04\x00\x00\x00" "caf\xe9" "T\x05\x00\x00\x00" "caf\xc3\xa9" "\x87."s);
    EXPECT_EQ(j, json::array({"abc", "caf\xc3\xa9", "caf\xc3\xa9"}));
    EXPECT_EQ(parse("U\x00."s), "");
    expectRejected("T\xff\xff\xff\xff" "abc."s, "negative byte count");
    expectRejected("T\x05\x00\x00\x00" "abc."s, "needs 5 bytes, only 4 left");
    expectRejected("U\x09" "abc."s, "needs 9 bytes, only 4 left");
}

TEST(Pickle, BinaryScalars) {
    const json j = parse("\x80\x02(J\xff\xff\xff\xff" "J\x00\x00\x00\x80" "K\xff" "M\xff\xff"
                         "\x8a\x00" "\x8a\x01\xff" "\x8a\x02\x00\x80" "\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f"
                         "\x8b\x01\x00\x00\x00\x7f" "G\x3f\xf8\x00\x00\x00\x00\x00\x00" "\x88\x89N"
                         "C\x02\xc3\xa9" "B\x01\x00\x00\x00\xe9" "\x8e\x01\x00\x00\x00\x00\x00\x00\x00" "x"
                         "\x96\x00\x00\x00\x00\x00\x00\x00\x00" "\x8c\x02\xc3\xa9" "X\x00\x00\x00\x00"
                         "\x8d\x01\x00\x00\x00\x00\x00\x00\x00" "zl."s);
    const json expected = json::array({-1, std::numeric_limits<int32_t>::min(), 255, 65535, 0, -1, -32768,
                                       std::numeric_limits<int64_t>::max(), 127, 1.5, true, false, nullptr,
                                       "\xc3\xa9", "\xc3\xa9", "x", "", "\xc3\xa9", "", "z"});
    EXPECT_EQ(j, expected);
    expectRejected("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s, "only integers up to 64 bits");
    expectRejected("\x8b\x00\x00\x00\x01."s, "only integers up to 64 bits");
    expectRejected("\x8b\xff\xff\xff\xff."s, "negative byte count");
    expectRejected("X\x02\x00\x00\x00\xff\xfe."s, "not valid UTF-8");
    expectRejected("X\x02\x00\x00\x00\xc0\x80."s, "not valid UTF-8"); // overlong NUL
    // Python 3's surrogatepass: an encoded pair joins, a lone half becomes U+FFFD.
    EXPECT_EQ(parse("X\x06\x00\x00\x00\xed\xa0\xbd\xed\xb8\x80."s), "\xf0\x9f\x98\x80");
    EXPECT_EQ(parse("\x8c\x03\xed\xa0\x80."s), "\xef\xbf\xbd");
}

TEST(Pickle, SetsAndDictKeys) {
    EXPECT_EQ(parse("\x80\x04\x8f(K\x01K\x02\x90(K\x03\x90."s), json::array({1, 2, 3}));
    EXPECT_EQ(parse("\x80\x04(K\x03K\x04\x91."s), json::array({3, 4}));
    // Integer keys become text; a later duplicate wins, as in Python.
    EXPECT_EQ(parse("}(K\x01U\x01" "aJ\xff\xff\xff\xffU\x01" "bU\x01" "aK\x01U\x01" "aK\x02u."s),
              json::parse(R"({"1": "a", "-1": "b", "a": 2})"));
    EXPECT_EQ(parse("(U\x01" "kK\x05" "d."s), json::parse(R"({"k": 5})"));
    expectRejected("}(]K\x01u."s, "dict key of type list");
    expectRejected("}G\x3f\xf8\x00\x00\x00\x00\x00\x00K\x01s."s, "dict key of type float");
    expectRejected("}N\x88s."s, "dict key of type None");
    expectRejected("(K\x01K\x02K\x03" "d."s, "odd number");
    expectRejected("}(K\x01u."s, "odd number");
    expectRejected("(K\x01\x91(K\x02\x90."s, "needs a set to add to, found a frozenset");
}

// --- the memo keeps Python's reference semantics ---

TEST(Pickle, MemoizedListShowsLaterAppends) {
    // outer = []; inner = [] (BINPUT 1); inner.append(1); outer.append(inner);
    // GET 1; append 2 to it; outer.append(it): both places show [1, 2].
    const json j = parse("\x80\x02]]q\x01K\x01" "aah\x01K\x02" "aa."s);
    EXPECT_EQ(j, json::parse("[[1, 2], [1, 2]]"));
    // The same in protocol 0 text, and with MEMOIZE / DUP.
    EXPECT_EQ(parse("(lp0\n(lp1\nI1\naag1\nI2\naa."), json::parse("[[1, 2], [1, 2]]"));
    EXPECT_EQ(parse("\x80\x04]]\x94K\x01" "aah\x00K\x02" "aa."s), json::parse("[[1, 2], [1, 2]]"));
    EXPECT_EQ(parse("\x80\x02]2K\x05" "a\x86."s), json::parse("[[5], [5]]"));
    // A dict filled after it was memoized and fetched.
    EXPECT_EQ(parse("\x80\x02}q\x07h\x07U\x01kK\x09s\x86."s), json::parse(R"([{"k": 9}, {"k": 9}])"));
    // PUT overwrites, MEMOIZE takes the next index.
    EXPECT_EQ(parse("\x80\x04(K\x01\x94K\x02\x94h\x01h\x00t."s), json::array({1, 2, 2, 1}));
    EXPECT_EQ(parse("\x80\x02(K\x01q\x00K\x02q\x00h\x00t."s), json::array({1, 2, 2}));
    expectRejected("\x80\x02h\x05."s, "memo key 5 was read (GET) before it was stored");
    expectRejected("g12\n."s, "memo key 12");
    expectRejected("j\x00\x00\x01\x00."s, "memo key 65536");
    expectRejected("p-1\n."s, "not a non-negative integer");
    expectRejected("q\x00."s, "stack underflow");
}

TEST(Pickle, StackAndMarkRules) {
    EXPECT_EQ(parse("(0K\x01."s), 1);     // POP drops a MARK with nothing above it
    EXPECT_EQ(parse("K\x01K\x02" "0."s), 1);
    EXPECT_EQ(parse("K\x01(K\x02K\x03" "1."s), 1); // POP_MARK
    EXPECT_EQ(parse("K\x07.trailing bytes"s), 7);  // like pickle.load, stops at STOP
    EXPECT_EQ(parse(")."s), json::array());
    EXPECT_EQ(parse("K\x01\x85K\x02K\x03\x86K\x04K\x05K\x06\x87\x87."s),
              json::parse("[[1], [2, 3], [4, 5, 6]]"));
    expectRejected("a."s, "stack underflow: APPEND needs a value but the stack is empty");
    expectRejected("K\x02K\x01" "a."s, "APPEND needs a list to add to, found an int");
    expectRejected("K\x01(a."s, "above the last MARK");
    expectRejected("K\x01(2."s, "above the last MARK");
    expectRejected("0."s, "stack underflow");
    expectRejected("K\x01(\x85."s, "stack underflow");
    expectRejected("(e."s, "stack underflow: APPENDS");
    expectRejected("]e."s, "APPENDS without a MARK");
    expectRejected("K\x01t."s, "TUPLE without a MARK");
    expectRejected("1."s, "POP_MARK without a MARK");
    expectRejected("K\x01K\x02s."s, "stack underflow: SETITEM");
    expectRejected("]K\x01K\x02s."s, "SETITEM needs a dict to add to, found a list");
    expectRejected(")K\x01" "a."s, "APPEND needs a list to add to, found a tuple");
    expectRejected("."s, "byte 0: STOP with 0 values on the stack instead of one");
    expectRejected("K\x01K\x02."s, "byte 4: STOP with 2 values");
    expectRejected("K\x01(."s, "STOP with a MARK that was never closed");
    expectRejected("\x80\x02]"s, "byte 3: truncated pickle: it ends without a STOP opcode");
    expectRejected(""s, "byte 0: truncated pickle");
}

// --- hostile input ---

TEST(Pickle, RefusesCodeExecution) {
    // The classic: pickle.loads(b"cos\nsystem\n(S'echo pwned'\ntR.") runs a shell command.
    expectRejected("cos\nsystem\n(S'echo pwned'\ntR.",
                   "byte 0: unsupported pickle opcode 'c' (GLOBAL): only plain lists, dicts, strings and numbers are read");
    // Protocol 2 (os.system pickled by Python 3) and protocol 4 (STACK_GLOBAL).
    expectRejected("\x80\x02" "cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."s, "byte 2: unsupported pickle opcode 'c' (GLOBAL)");
    expectRejected("\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."s, "byte 14: unsupported pickle opcode 0x93 (STACK_GLOBAL)");
    const std::pair<std::string, const char*> refused[] = {
        {"c", "GLOBAL"},     {"\x93", "STACK_GLOBAL"}, {"R", "REDUCE"},      {"b", "BUILD"},
        {"i", "INST"},       {"o", "OBJ"},             {"\x81", "NEWOBJ"},   {"\x92", "NEWOBJ_EX"},
        {"P", "PERSID"},     {"Q", "BINPERSID"},       {"\x82", "EXT1"},     {"\x83", "EXT2"},
        {"\x84", "EXT4"},    {"\x97", "NEXT_BUFFER"},  {"\x98", "READONLY_BUFFER"},
    };
    for (const auto& [op, name] : refused) {
        // Refused before the arguments or the stack are looked at.
        expectRejected("\x80\x05N" + op + "anything", "byte 3: unsupported pickle opcode");
        expectRejected("\x80\x05N" + op + "anything", std::string("(") + name + ")");
    }
    expectRejected("\xff."s, "byte 0: unknown pickle opcode 0xff");
    expectRejected("K\x01" "z."s, "byte 2: unknown pickle opcode 'z'");
    expectRejected("\x80\x06K\x01."s, "pickle protocol 6 is not supported");
}

TEST(Pickle, HugeDeclaredLengthsAllocateNothing) {
    expectRejected("\x80\x04X\xff\xff\xff\xff."s, "byte 2: truncated pickle: BINUNICODE needs 4294967295 bytes, only 1 left");
    expectRejected("\x8d\xff\xff\xff\xff\xff\xff\xff\xff."s, "BINUNICODE8 needs 18446744073709551615 bytes");
    expectRejected("\x8e\x00\x00\x00\x00\x00\x00\x00\x80."s, "BINBYTES8 needs 9223372036854775808 bytes");
    expectRejected("\x96\x00\x00\x00\x00\x01\x00\x00\x00."s, "BYTEARRAY8 needs");
    expectRejected("B\xff\xff\xff\x7f."s, "BINBYTES needs 2147483647 bytes");
    expectRejected("T\xff\xff\xff\x7f."s, "BINSTRING needs 2147483647 bytes");
    expectRejected("\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7f."s, "FRAME declares 9223372036854775807 bytes, only 1 left");
    expectRejected("\x80\x04\x95\x10\x00"s, "FRAME needs 8 bytes, only 2 left");
    expectRejected("\x8a"s, "LONG1 needs 1 bytes, only 0 left");
    expectRejected("\x8a\x05\x01\x02."s, "LONG1 needs 5 bytes, only 3 left");
    expectRejected("G\x3f\xf8"s, "BINFLOAT needs 8 bytes");
}

TEST(Pickle, RecursionDepthAndExpansionLimits) {
    // l = []; l.append(l)
    expectRejected("\x80\x02]q\x00h\x00" "a."s, "the data contains itself (a recursive list)");
    expectRejected("\x80\x02}q\x00U\x01kh\x00s."s, "recursive dict");

    const auto nested = [](size_t depth) { return std::string(depth, ']') + std::string(depth - 1, 'a') + "."; };
    EXPECT_NO_THROW(parse(nested(1000)));
    expectRejected(nested(1001), "nested more than 1000 levels deep");
    // A million levels: refused without recursing on the way in or out.
    expectRejected(nested(1000000), "nested more than 1000 levels deep");

    // L0 = []; L(i) = [L(i-1), L(i-1)]: 2^40 copies of L0 from about 400 bytes.
    std::string bomb = "\x80\x02]q\x00" "0"s;
    for (int i = 1; i <= 40; ++i)
        bomb += "](h"s + static_cast<char>(i - 1) + "h" + static_cast<char>(i - 1) + "eq" + static_cast<char>(i) + "0";
    bomb += "h"s + static_cast<char>(40) + ".";
    expectRejected(bomb, "would expand to far more than the file holds");
}

} // namespace
