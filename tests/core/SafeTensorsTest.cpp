// Tests for core/io/SafeTensors and core/io/AtomicFile.

#include "core/io/AtomicFile.h"
#include "core/io/RemoveTree.h"
#include "core/io/SafeTensors.h"
#include "core/util/Error.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef _WIN32
#include <sys/stat.h>
#endif

namespace fs = std::filesystem;
using rlfseg::test::expectError;
using rlfseg::test::readBytes;
using rlfseg::test::writeBytes;
using rlfseg::DType;
using rlfseg::SafeTensorsFile;
using rlfseg::TensorToWrite;

namespace {

std::string le64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

// A file with the given header text (padded with spaces to 8) and `dataBytes` bytes of data.
std::string craft(const std::string& header, size_t dataBytes, bool pad = true) {
    std::string h = header;
    while (pad && h.size() % 8) h += ' ';
    return le64(h.size()) + h + std::string(dataBytes, '\x11');
}


class CorruptFileTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = rlfseg::test::makeTempDir("safetensors-corrupt"); }
    // Writes `bytes` to a fresh file and expects open() to fail naming it (and `needle`).
    void expectRejected(const std::string& bytes, const std::string& needle = "") {
        const fs::path p = dir_ / ("bad" + std::to_string(counter_++) + ".safetensors");
        writeBytes(p, bytes);
        expectError([&] { SafeTensorsFile::open(p.string()); }, p, needle);
    }
    void expectRejectedHeader(const std::string& header, size_t dataBytes, const std::string& needle = "") {
        expectRejected(craft(header, dataBytes), needle);
    }
    fs::path dir_;
    int counter_ = 0;
};

template <typename T>
std::vector<T> values(const SafeTensorsFile& f, const std::string& name) {
    const auto& info = f.info(name);
    std::vector<T> out(static_cast<size_t>(info.numel()));
    EXPECT_EQ(out.size() * sizeof(T), info.end - info.begin);
    std::memcpy(out.data(), f.data(name), out.size() * sizeof(T));
    return out;
}

size_t countWithPrefix(const std::vector<std::string>& names, const std::string& prefix) {
    size_t n = 0;
    for (const auto& s : names) n += s.rfind(prefix, 0) == 0;
    return n;
}

const std::vector<std::string> kFixtureFiles = {
    "vae_tiny.safetensors",       "vae_tiny_io.safetensors",       "unet_sd15_tiny.safetensors",
    "unet_sd15_tiny_io.safetensors", "unet_sd21_tiny.safetensors", "unet_sd21_tiny_io.safetensors",
    "clip_text_tiny.safetensors", "clip_text_tiny_io.safetensors",
};

} // namespace

// ---------------------------------------------------------------------------------------------------------
// dtypes

TEST(SafeTensorsDType, NamesAndSizes) {
    const std::vector<std::tuple<DType, std::string, size_t>> expected = {
        {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
        {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
        {DType::U8, "U8", 1},   {DType::Bool, "BOOL", 1}};
    for (const auto& [dt, name, size] : expected) {
        EXPECT_EQ(rlfseg::dtypeName(dt), name);
        EXPECT_EQ(rlfseg::dtypeSize(dt), size);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Reading the reference fixtures

TEST(SafeTensorsFixtures, EveryFixtureOpensWithConsistentLayout) {
    const std::map<std::string, std::pair<uint64_t, size_t>> expected = {
        // file -> (bytes, tensors) as in the fixtures' README
        {"vae_tiny.safetensors", {2646676, 124}},      {"vae_tiny_io.safetensors", {873936, 15}},
        {"unet_sd15_tiny.safetensors", {8714240, 494}}, {"unet_sd15_tiny_io.safetensors", {430664, 17}},
        {"unet_sd21_tiny.safetensors", {8714152, 494}}, {"unet_sd21_tiny_io.safetensors", {430664, 17}},
        {"clip_text_tiny.safetensors", {6406944, 36}}, {"clip_text_tiny_io.safetensors", {102528, 9}},
    };
    for (const auto& file : kFixtureFiles) {
        SCOPED_TRACE(file);
        const fs::path p = rlfseg::test::fixture(file);
        ASSERT_TRUE(fs::exists(p)) << p;
        const auto f = SafeTensorsFile::open(p.string());
        EXPECT_EQ(f.path(), p.string());
        EXPECT_EQ(fs::file_size(p), expected.at(file).first);
        const auto names = f.names();
        EXPECT_EQ(names.size(), expected.at(file).second);
        EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
        EXPECT_FALSE(f.contains("__metadata__"));
        EXPECT_EQ(f.metadata().at("generator"), "sd-parity golden fixtures");
        EXPECT_EQ(f.metadata().at("torch"), "1.13.0a0");
        // Stored back to back in ascending name order, starting at 0, covering the whole data buffer.
        uint64_t offset = 0;
        for (const auto& n : names) {
            const auto& info = f.info(n);
            EXPECT_EQ(info.name, n);
            EXPECT_EQ(info.begin, offset) << n;
            EXPECT_EQ(info.end - info.begin, uint64_t(info.numel()) * rlfseg::dtypeSize(info.dtype)) << n;
            EXPECT_TRUE(info.dtype == DType::F32 || info.dtype == DType::I64) << n;
            EXPECT_EQ(f.data(n), f.data(names.front()) + info.begin);
            offset = info.end;
        }
        const uint8_t* base = f.data(names.front());
        EXPECT_EQ(uint64_t(base + offset - base), offset);
        // Header length + 8 + data == file size (data ends exactly at the end of the file).
        const std::string bytes = readBytes(p);
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | uint8_t(bytes[size_t(i)]);
        EXPECT_EQ(8 + headerLen + offset, bytes.size());
        EXPECT_EQ(headerLen % 8, 0u);
        EXPECT_EQ(std::memcmp(bytes.data() + 8 + headerLen, base, size_t(offset)), 0);
    }
}

TEST(SafeTensorsFixtures, VaeWeights) {
    const auto f = SafeTensorsFile::open(rlfseg::test::fixture("vae_tiny.safetensors").string());
    const auto names = f.names();
    ASSERT_EQ(names.size(), 124u);
    EXPECT_EQ(countWithPrefix(names, "encoder."), 52u);
    EXPECT_EQ(countWithPrefix(names, "decoder."), 68u);
    EXPECT_EQ(countWithPrefix(names, "quant_conv."), 2u);
    EXPECT_EQ(countWithPrefix(names, "post_quant_conv."), 2u);
    EXPECT_EQ(f.metadata().at("model"), "AutoencoderKL");
    EXPECT_EQ(f.info("decoder.conv_in.weight").shape, (std::vector<int64_t>{64, 4, 3, 3}));
    EXPECT_EQ(f.info("decoder.conv_in.bias").shape, (std::vector<int64_t>{64}));
    EXPECT_EQ(f.info("decoder.conv_in.bias").begin, 0u);
    EXPECT_EQ(f.info("decoder.conv_in.weight").begin, 256u);
    // Linear (not 1x1 conv) mid-block attention projections.
    EXPECT_EQ(f.info("encoder.mid_block.attentions.0.to_q.weight").shape, (std::vector<int64_t>{64, 64}));
    const auto qb = values<float>(f, "quant_conv.bias");
    ASSERT_EQ(qb.size(), 8u);
    EXPECT_FLOAT_EQ(qb[0], -0.23795510828495026f);
    EXPECT_FLOAT_EQ(qb[7], 0.1560821831226349f);
    // README: every weight was perturbed, so no element is exactly 0 or 1.
    for (const auto& n : names) {
        for (float v : values<float>(f, n)) {
            ASSERT_NE(v, 0.0f) << n;
            ASSERT_NE(v, 1.0f) << n;
        }
    }
}

TEST(SafeTensorsFixtures, VaeIo) {
    const auto f = SafeTensorsFile::open(rlfseg::test::fixture("vae_tiny_io.safetensors").string());
    EXPECT_EQ(f.metadata().at("fixture"), "vae_tiny");
    EXPECT_EQ(f.info("input").shape, (std::vector<int64_t>{1, 3, 32, 32}));
    EXPECT_EQ(f.info("latent_mean").shape, (std::vector<int64_t>{1, 4, 16, 16}));
    EXPECT_EQ(f.info("latent_logvar").shape, (std::vector<int64_t>{1, 4, 16, 16}));
    EXPECT_EQ(f.info("decoded").shape, (std::vector<int64_t>{1, 3, 32, 32}));
    EXPECT_EQ(f.info("dbg.encoder").shape, (std::vector<int64_t>{1, 8, 16, 16}));
    for (const char* n : {"dbg.encoder.conv_in", "dbg.encoder.down_blocks.0", "dbg.encoder.down_blocks.1",
                          "dbg.encoder.mid_block", "dbg.quant_conv", "dbg.post_quant_conv", "dbg.decoder.conv_in",
                          "dbg.decoder.mid_block", "dbg.decoder.up_blocks.0", "dbg.decoder.up_blocks.1"})
        EXPECT_TRUE(f.contains(n)) << n;
    // input = randn(...).clamp(-1, 1)
    for (float v : values<float>(f, "input")) {
        EXPECT_GE(v, -1.0f);
        EXPECT_LE(v, 1.0f);
    }
}

TEST(SafeTensorsFixtures, UnetWeights) {
    for (const std::string variant : {"sd15", "sd21"}) {
        SCOPED_TRACE(variant);
        const auto f = SafeTensorsFile::open(rlfseg::test::fixture("unet_" + variant + "_tiny.safetensors").string());
        EXPECT_EQ(f.names().size(), 494u);
        EXPECT_EQ(f.metadata().at("model"), "UNet2DConditionModel");
        for (const auto& n : f.names()) EXPECT_EQ(f.info(n).dtype, DType::F32) << n;
        EXPECT_EQ(f.info("conv_in.weight").shape, (std::vector<int64_t>{32, 4, 3, 3}));
        EXPECT_EQ(f.info("time_embedding.linear_1.weight").shape, (std::vector<int64_t>{128, 32}));
        EXPECT_EQ(f.info("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight").shape,
                  (std::vector<int64_t>{2 * 4 * 32, 32}));
        EXPECT_FALSE(f.contains("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias"));
        const auto projIn = f.info("down_blocks.0.attentions.0.proj_in.weight").shape;
        const std::vector<int64_t> expectedProjIn =
            variant == "sd15" ? std::vector<int64_t>{32, 32, 1, 1} : std::vector<int64_t>{32, 32};
        EXPECT_EQ(projIn, expectedProjIn);
    }
}

TEST(SafeTensorsFixtures, UnetIo) {
    for (const std::string variant : {"sd15", "sd21"}) {
        SCOPED_TRACE(variant);
        const auto f = SafeTensorsFile::open(rlfseg::test::fixture("unet_" + variant + "_tiny_io.safetensors").string());
        EXPECT_EQ(f.metadata().at("fixture"), "unet_" + variant + "_tiny");
        const auto& ts = f.info("timestep");
        EXPECT_EQ(ts.dtype, DType::I64);
        EXPECT_EQ(ts.shape, (std::vector<int64_t>{2}));
        EXPECT_EQ(values<int64_t>(f, "timestep"), (std::vector<int64_t>{0, 537}));
        EXPECT_EQ(f.info("timestep_float").dtype, DType::F32);
        EXPECT_EQ(values<float>(f, "timestep_float"), (std::vector<float>{999.0f, 12.5f}));
        EXPECT_EQ(f.info("sample").shape, (std::vector<int64_t>{2, 4, 16, 16}));
        EXPECT_EQ(f.info("encoder_hidden_states").shape, (std::vector<int64_t>{2, 7, 32}));
        EXPECT_EQ(f.info("out").shape, (std::vector<int64_t>{2, 4, 16, 16}));
        EXPECT_EQ(f.info("out_timestep_float").shape, (std::vector<int64_t>{2, 4, 16, 16}));
        EXPECT_EQ(f.info("dbg.time_proj").shape, (std::vector<int64_t>{2, 32}));
        EXPECT_EQ(f.info("dbg.time_embedding").shape, (std::vector<int64_t>{2, 128}));
    }
    // Both files have identical inputs.
    const auto a = SafeTensorsFile::open(rlfseg::test::fixture("unet_sd15_tiny_io.safetensors").string());
    const auto b = SafeTensorsFile::open(rlfseg::test::fixture("unet_sd21_tiny_io.safetensors").string());
    EXPECT_EQ(values<float>(a, "sample"), values<float>(b, "sample"));
    EXPECT_EQ(values<float>(a, "encoder_hidden_states"), values<float>(b, "encoder_hidden_states"));
    EXPECT_NE(values<float>(a, "out"), values<float>(b, "out"));
}

TEST(SafeTensorsFixtures, ClipText) {
    const auto w = SafeTensorsFile::open(rlfseg::test::fixture("clip_text_tiny.safetensors").string());
    EXPECT_EQ(w.names().size(), 36u);
    EXPECT_EQ(w.metadata().at("model"), "CLIPTextModel");
    EXPECT_EQ(w.info("text_model.embeddings.token_embedding.weight").shape, (std::vector<int64_t>{49408, 32}));
    EXPECT_EQ(w.info("text_model.embeddings.position_embedding.weight").shape, (std::vector<int64_t>{77, 32}));
    EXPECT_EQ(w.info("text_model.encoder.layers.0.mlp.fc1.weight").shape, (std::vector<int64_t>{64, 32}));
    EXPECT_FALSE(w.contains("text_model.embeddings.position_ids"));
    EXPECT_FALSE(w.contains("text_projection.weight"));

    const auto io = SafeTensorsFile::open(rlfseg::test::fixture("clip_text_tiny_io.safetensors").string());
    EXPECT_EQ(io.names().size(), 9u);
    for (const char* n : {"input_ids", "input_ids_pad0"}) {
        EXPECT_EQ(io.info(n).dtype, DType::I64) << n;
        EXPECT_EQ(io.info(n).shape, (std::vector<int64_t>{2, 77})) << n;
    }
    const auto ids = values<int64_t>(io, "input_ids");
    // "a photo of an astronaut riding a horse on mars"
    const std::vector<int64_t> first = {49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407};
    EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + 12), first);
    EXPECT_EQ(ids[76], 49407);
    const auto pad0 = values<int64_t>(io, "input_ids_pad0");
    EXPECT_EQ(std::vector<int64_t>(pad0.begin(), pad0.begin() + 12), first);
    EXPECT_EQ(pad0[76], 0);
    EXPECT_EQ(io.info("last_hidden_state").shape, (std::vector<int64_t>{2, 77, 32}));
    EXPECT_EQ(io.info("pooler_output").shape, (std::vector<int64_t>{2, 32}));
}

TEST(SafeTensorsFixtures, AbsentTensorNamesFileAndTensor) {
    const fs::path p = rlfseg::test::fixture("vae_tiny.safetensors");
    const auto f = SafeTensorsFile::open(p.string());
    expectError([&] { f.info("no.such.weight"); }, p, "no.such.weight");
    expectError([&] { f.data("no.such.weight"); }, p, "no.such.weight");
}

TEST(SafeTensorsFixtures, MoveKeepsDataValidAndReleasePagesKeepsItReadable) {
    auto f = SafeTensorsFile::open(rlfseg::test::fixture("clip_text_tiny.safetensors").string());
    const std::string name = "text_model.embeddings.token_embedding.weight";
    const uint8_t* before = f.data(name);
    const auto copy = values<float>(f, name);
    SafeTensorsFile moved(std::move(f));
    EXPECT_EQ(moved.data(name), before);
    SafeTensorsFile assigned = SafeTensorsFile::open(rlfseg::test::fixture("vae_tiny_io.safetensors").string());
    assigned = std::move(moved);
    EXPECT_EQ(assigned.data(name), before);
    for (const auto& n : assigned.names()) assigned.releasePages(n);
    assigned.releasePages("not there"); // no-op
    EXPECT_EQ(values<float>(assigned, name), copy);
}

// ---------------------------------------------------------------------------------------------------------
// Writing

TEST(SafeTensorsWrite, RoundTripAllDTypesWithMetadata) {
    const fs::path dir = rlfseg::test::makeTempDir("safetensors-write");
    const fs::path p = dir / "round.safetensors";

    const std::vector<float> f32 = {1.5f, -2.25f, 3.0f, 0.0f, 1e-7f, -1e30f};
    const std::vector<uint16_t> f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001};     // 1, -2, 65504, tiny
    const std::vector<uint16_t> bf16 = {0x3F80, 0xBF80, 0x4049, 0x0000, 0x7F80}; // 1, -1, ~pi, 0, inf
    const std::vector<int64_t> i64 = {0, 537, -1, INT64_MAX, INT64_MIN};
    const double f64 = 3.141592653589793;
    const std::vector<uint8_t> u8 = {0, 255, 7};
    const std::vector<uint8_t> b = {1, 0};
    const std::vector<int32_t> i32 = {-5, 6};
    const std::vector<int16_t> i16 = {-300};
    const std::vector<int8_t> i8 = {-128, 127};

    std::vector<TensorToWrite> tensors = {
        {"z.f32", DType::F32, {2, 3}, f32.data(), f32.size() * 4},
        {"a.f16", DType::F16, {4}, f16.data(), f16.size() * 2},
        {"m.bf16", DType::BF16, {5, 1}, bf16.data(), bf16.size() * 2},
        {"timestep", DType::I64, {5}, i64.data(), i64.size() * 8},
        {"scalar", DType::F64, {}, &f64, 8},
        {"empty", DType::F32, {0, 3}, nullptr, 0},
        {"u8", DType::U8, {3}, u8.data(), 3},
        {"bool", DType::Bool, {2}, b.data(), 2},
        {"i32", DType::I32, {1, 2}, i32.data(), 8},
        {"i16", DType::I16, {1}, i16.data(), 2},
        {"i8", DType::I8, {2}, i8.data(), 2},
    };
    const std::map<std::string, std::string> metadata = {
        {"format", "pt"}, {"quote\"and\\backslash", "line\nbreak\ttab"}, {"unicode", "Grüße 🐱"}, {"empty", ""}};
    rlfseg::writeSafeTensors(p.string(), tensors, metadata);

    const auto f = SafeTensorsFile::open(p.string());
    EXPECT_EQ(f.metadata(), metadata);
    EXPECT_EQ(f.names().size(), tensors.size());
    for (const auto& t : tensors) {
        SCOPED_TRACE(t.name);
        ASSERT_TRUE(f.contains(t.name));
        const auto& info = f.info(t.name);
        EXPECT_EQ(info.dtype, t.dtype);
        EXPECT_EQ(info.shape, t.shape);
        EXPECT_EQ(info.end - info.begin, t.nbytes);
        if (t.nbytes) {
            EXPECT_EQ(std::memcmp(f.data(t.name), t.data, t.nbytes), 0);
        }
    }
    EXPECT_EQ(f.info("scalar").numel(), 1);
    EXPECT_EQ(f.info("empty").numel(), 0);
    EXPECT_EQ(values<int64_t>(f, "timestep"), i64);

    // Layout: ascending name order, back to back, header padded with spaces to a multiple of 8.
    uint64_t offset = 0;
    for (const auto& n : f.names()) {
        EXPECT_EQ(f.info(n).begin, offset) << n;
        offset = f.info(n).end;
    }
    const std::string bytes = readBytes(p);
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | uint8_t(bytes[size_t(i)]);
    EXPECT_EQ(headerLen % 8, 0u);
    EXPECT_EQ(8 + headerLen + offset, bytes.size());
    const std::string header = bytes.substr(8, size_t(headerLen));
    EXPECT_EQ(header.rfind("{\"__metadata__\":{", 0), 0u) << header;
    const size_t lastBrace = header.find_last_of('}');
    EXPECT_EQ(header.find_first_not_of(' ', lastBrace + 1), std::string::npos);
    const auto parsed = nlohmann::json::parse(header);
    EXPECT_EQ(parsed.at("timestep").at("dtype"), "I64");
    EXPECT_EQ(parsed.at("bool").at("dtype"), "BOOL");

    // No metadata: no "__metadata__" key at all.
    const fs::path q = dir / "nometa.safetensors";
    rlfseg::writeSafeTensors(q.string(), {tensors[0]});
    const auto g = SafeTensorsFile::open(q.string());
    EXPECT_TRUE(g.metadata().empty());
    EXPECT_EQ(readBytes(q).find("__metadata__"), std::string::npos);
    // No tensors at all is a valid file too.
    const fs::path e = dir / "empty.safetensors";
    rlfseg::writeSafeTensors(e.string(), {});
    EXPECT_TRUE(SafeTensorsFile::open(e.string()).names().empty());
}

TEST(SafeTensorsWrite, RewritingFixturesReproducesThem) {
    const fs::path dir = rlfseg::test::makeTempDir("safetensors-rewrite");
    for (const auto& file : kFixtureFiles) {
        SCOPED_TRACE(file);
        const fs::path src = rlfseg::test::fixture(file);
        const fs::path dst = dir / file;
        {
            const auto f = SafeTensorsFile::open(src.string());
            std::vector<TensorToWrite> tensors;
            for (const auto& n : f.names()) {
                const auto& info = f.info(n);
                tensors.push_back({n, info.dtype, info.shape, f.data(n), size_t(info.end - info.begin)});
            }
            rlfseg::writeSafeTensors(dst.string(), tensors, f.metadata());
        }
        const std::string a = readBytes(src), b = readBytes(dst);
        // Same layout rules: same header length, same padding, byte-identical tensor data. The header text
        // itself differs only in the order of the "__metadata__" keys (the fixture writer kept insertion
        // order, writeSafeTensors writes them sorted), so the headers are compared as JSON.
        ASSERT_EQ(a.size(), b.size());
        ASSERT_EQ(a.substr(0, 8), b.substr(0, 8));
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | uint8_t(a[size_t(i)]);
        EXPECT_TRUE(a.compare(8 + headerLen, std::string::npos, b, 8 + headerLen, std::string::npos) == 0);
        const auto ha = nlohmann::json::parse(a.substr(8, size_t(headerLen)));
        const auto hb = nlohmann::json::parse(b.substr(8, size_t(headerLen)));
        EXPECT_EQ(ha, hb);
        // Without the metadata object, the header text is byte-identical (same key order and formatting).
        std::string ta = a.substr(8, size_t(headerLen)), tb = b.substr(8, size_t(headerLen));
        const size_t endA = ta.find("},"), endB = tb.find("},");
        ASSERT_NE(endA, std::string::npos);
        EXPECT_EQ(endA, endB);
        EXPECT_EQ(ta.substr(endA), tb.substr(endB));

        const auto f = SafeTensorsFile::open(dst.string());
        const auto g = SafeTensorsFile::open(src.string());
        EXPECT_EQ(f.names(), g.names());
        EXPECT_EQ(f.metadata(), g.metadata());
    }
}

TEST(SafeTensorsWrite, RejectsBadInputWithoutCreatingTheFile) {
    const fs::path dir = rlfseg::test::makeTempDir("safetensors-write-bad");
    const fs::path p = dir / "out.safetensors";
    const std::vector<float> d = {1, 2, 3, 4};
    expectError([&] {
        rlfseg::writeSafeTensors(p.string(), {{"a", DType::F32, {4}, d.data(), 16}, {"a", DType::F32, {4}, d.data(), 16}});
    }, p, "'a'");
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"a", DType::F32, {4}, d.data(), 12}}); }, p, "'a'");
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"a", DType::F16, {4}, d.data(), 16}}); }, p, "needs 8");
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"a", DType::F32, {-4}, d.data(), 16}}); }, p, "'a'");
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"__metadata__", DType::F32, {4}, d.data(), 16}}); }, p);
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"", DType::F32, {4}, d.data(), 16}}); }, p);
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {{"a", DType::F32, {4}, nullptr, 16}}); }, p);
    expectError([&] { rlfseg::writeSafeTensors(p.string(), {}, {{"bad", std::string("\xff\xfe")}}); }, p, "UTF-8");
    EXPECT_FALSE(fs::exists(p));
    EXPECT_TRUE(fs::is_empty(dir));
    // A folder that does not exist: I/O failure.
    const fs::path missing = dir / "no" / "such" / "folder.safetensors";
    expectError([&] { rlfseg::writeSafeTensors(missing.string(), {{"a", DType::F32, {4}, d.data(), 16}}); }, missing);
}

// ---------------------------------------------------------------------------------------------------------
// Corrupt files: each is an rlfseg::Error naming the file, never a crash.

TEST_F(CorruptFileTest, EmptyAndTruncatedFiles) {
    expectRejected("", "too short");
    expectRejected(std::string(5, '\0'), "too short");
    expectRejected(le64(16), "larger than the file");
    // A real fixture cut in half: the tensors' offsets run past the end of the data.
    const std::string vae = readBytes(rlfseg::test::fixture("vae_tiny.safetensors"));
    expectRejected(vae.substr(0, vae.size() / 2), "beyond the data");
    expectRejected(vae.substr(0, vae.size() - 1), "beyond the data");
    expectRejected(vae.substr(0, 100), "larger than the file");
}

TEST_F(CorruptFileTest, HeaderLength) {
    expectRejected(le64(0) + "{}      ", "header length is 0");
    expectRejected(le64(1000) + "{}      ", "larger than the file");
    expectRejected(le64(uint64_t(1) << 40) + "{}      ", "absurd");
    expectRejected(le64(~uint64_t(0)) + "{}      ", "absurd");
}

TEST_F(CorruptFileTest, HeaderJson) {
    expectRejectedHeader("{\"a\":", 0, "not valid UTF-8 JSON");
    expectRejectedHeader("not json at all", 0, "not valid UTF-8 JSON");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing", 4, "JSON");
    expectRejectedHeader("{\"t\xff\xfe\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "UTF-8");
    expectRejectedHeader("[1,2,3]", 0, "not an object");
    expectRejectedHeader("\"string\"", 0, "not an object");
    expectRejectedHeader(
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{\"dtype\":\"F32\",\"shape\":[1],"
        "\"data_offsets\":[4,8]}}",
        8, "twice");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                         "'dtype' twice");
    expectRejectedHeader("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, "'k' twice");
    // Trailing NULs instead of spaces as padding are not JSON.
    expectRejected(le64(8) + std::string("{}\0\0\0\0\0\0", 8), "NUL");
    expectRejected(craft(std::string("{}\0{\"t\":5}", 9), 0), "NUL");
}

TEST_F(CorruptFileTest, NestedJsonBomb) {
    expectRejectedHeader("{\"__metadata__\":" + std::string(100000, '[') + std::string(100000, ']') + "}", 0,
                         "nested");
    expectRejectedHeader(std::string(65, '[') + std::string(65, ']'), 0, "nested");
    expectRejectedHeader(std::string(1000000, '{'), 0, "nested");
    // Brackets inside strings do not count: this header is fine.
    const fs::path ok = dir_ / "brackets-in-strings.safetensors";
    writeBytes(ok, craft("{\"__metadata__\":{\"k\":\"" + std::string(500, '[') + "\\\"" + std::string(500, '{') +
                             "\"},\"t[[[\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                         2));
    const auto f = SafeTensorsFile::open(ok.string());
    EXPECT_TRUE(f.contains("t[[["));
    EXPECT_EQ(f.metadata().at("k").size(), 1001u);
}

TEST_F(CorruptFileTest, TensorEntries) {
    const auto entry = [](const std::string& body) { return "{\"tensor.x\":" + body + "}"; };
    expectRejectedHeader(entry("5"), 4, "tensor.x");
    expectRejectedHeader(entry("[]"), 4, "not an object");
    expectRejectedHeader(entry("{\"shape\":[1],\"data_offsets\":[0,4]}"), 4, "no \"dtype\"");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}"), 4, "no \"shape\"");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1]}"), 4, "no \"data_offsets\"");
    expectRejectedHeader(entry("{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,4]}"), 4, "\"dtype\" is not a string");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}"), 4, "\"shape\"");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}"), 4, "integer");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[null],\"data_offsets\":[0,4]}"), 4, "integer");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}"), 4, "data_offsets");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}"), 8, "data_offsets");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",\"4\"]}"), 4, "data_offsets");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"a\":0}}"), 4, "data_offsets");
    expectRejectedHeader(entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.0,4.0]}"), 4, "data_offsets");
}

TEST_F(CorruptFileTest, DTypes) {
    for (const char* dt : {"F8_E4M3", "U16", "X", "f32", ""})
        expectRejectedHeader(std::string("{\"t\":{\"dtype\":\"") + dt + "\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                             "unsupported dtype");
}

TEST_F(CorruptFileTest, Shapes) {
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "negative");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2,-2],\"data_offsets\":[0,0]}}", 0, "negative");
    // numel * size overflows 64 bits (or int64), yet the product wraps to a small number.
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0,
                         "too large");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}", 0,
                         "too large");
    expectRejectedHeader("{\"t\":{\"dtype\":\"U8\",\"shape\":[18446744073709551615],\"data_offsets\":[0,1]}}", 1,
                         "too large");
    expectRejectedHeader("{\"t\":{\"dtype\":\"U8\",\"shape\":[99999999999999999999999],\"data_offsets\":[0,1]}}", 1,
                         "integer");
}

TEST_F(CorruptFileTest, Offsets) {
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8, "after end");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8, "negative");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 3, "beyond the data");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 6, "beyond the data");
    expectRejectedHeader(
        "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[18446744073709551615,18446744073709551615]}}", 6,
        "beyond the data");
}

TEST_F(CorruptFileTest, SizeMismatch) {
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8, "needs 8");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16, "needs 8");
    expectRejectedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,0]}}", 8, "needs 4");
}

TEST_F(CorruptFileTest, Overlap) {
    expectRejectedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                         "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                         8, "overlap");
    expectRejectedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                         "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                         8, "overlap");
    expectRejectedHeader("{\"z\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                         "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},"
                         "\"m\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                         16, "overlap");
    // Adjacent tensors, gaps and empty tensors are fine.
    const fs::path ok = dir_ / "ok.safetensors";
    writeBytes(ok, craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                         "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                         "\"c\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[2,2]},"
                         "\"d\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}",
                         12));
    const auto f = SafeTensorsFile::open(ok.string());
    EXPECT_EQ(f.names(), (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(f.info("b").begin, 8u);
}

TEST_F(CorruptFileTest, Metadata) {
    expectRejectedHeader("{\"__metadata__\":{\"a\":1}}", 0, "__metadata__");
    expectRejectedHeader("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0, "__metadata__");
    expectRejectedHeader("{\"__metadata__\":[\"a\"]}", 0, "__metadata__");
    expectRejectedHeader("{\"__metadata__\":\"a\"}", 0, "__metadata__");
    expectRejectedHeader("{\"__metadata__\":null}", 0, "__metadata__");
}

TEST_F(CorruptFileTest, NotAFile) {
    const fs::path missing = dir_ / "missing.safetensors";
    expectError([&] { SafeTensorsFile::open(missing.string()); }, missing, "cannot open");
    const fs::path folder = dir_ / "folder.safetensors";
    fs::create_directories(folder);
    expectError([&] { SafeTensorsFile::open(folder.string()); }, folder);
}

// ---------------------------------------------------------------------------------------------------------
// AtomicFile

TEST(AtomicFile, WriteOverwriteAndRead) {
    const fs::path dir = rlfseg::test::makeTempDir("atomic");
    const fs::path p = dir / "file.bin";
    rlfseg::writeFileAtomically(p.string(), std::string("first"));
    EXPECT_EQ(rlfseg::readFileToString(p.string()), "first");
    std::string big(300000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + (i >> 9));
    rlfseg::writeFileAtomically(p.string(), [&](std::ostream& out) {
        out.write(big.data(), 1000);
        out << 'x';
        out.write(big.data() + 1001, std::streamsize(big.size() - 1001));
    });
    std::string expected = big;
    expected[1000] = 'x';
    EXPECT_EQ(rlfseg::readFileToString(p.string()), expected);
    rlfseg::writeFileAtomically(p.string(), std::string());
    EXPECT_EQ(rlfseg::readFileToString(p.string()), "");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, ThrowingWriterLeavesOldContentAndNoTempFile) {
    const fs::path dir = rlfseg::test::makeTempDir("atomic-throw");
    const fs::path p = dir / "keep.txt";
    rlfseg::writeFileAtomically(p.string(), std::string("old content"));
    EXPECT_THROW(rlfseg::writeFileAtomically(p.string(),
                                             [](std::ostream& out) {
                                                 out << std::string(200000, 'n');
                                                 throw std::runtime_error("writer failed");
                                             }),
                 std::runtime_error);
    EXPECT_EQ(rlfseg::readFileToString(p.string()), "old content");
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path().filename().string());
    EXPECT_EQ(entries, std::vector<std::string>{"keep.txt"});

    // Same for a new file: nothing is created.
    const fs::path q = dir / "new.txt";
    EXPECT_THROW(rlfseg::writeFileAtomically(q.string(), [](std::ostream&) { throw rlfseg::Error("no"); }), rlfseg::Error);
    EXPECT_FALSE(fs::exists(q));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, ErrorsNameThePath) {
    const fs::path dir = rlfseg::test::makeTempDir("atomic-errors");
    const fs::path missing = dir / "missing.txt";
    expectError([&] { rlfseg::readFileToString(missing.string()); }, missing);
    expectError([&] { rlfseg::readFileToString(dir.string()); }, dir, "folder");
    const fs::path noFolder = dir / "nope" / "x.txt";
    expectError([&] { rlfseg::writeFileAtomically(noFolder.string(), std::string("x")); }, noFolder);
    // The target is a folder: rename fails and the temporary file is removed.
    const fs::path folder = dir / "target";
    fs::create_directories(folder / "child");
    expectError([&] { rlfseg::writeFileAtomically(folder.string(), std::string("x")); }, folder);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

#ifndef _WIN32
TEST(AtomicFile, KeepsPermissionsOfReplacedFile) {
    const fs::path dir = rlfseg::test::makeTempDir("atomic-perms");
    const fs::path p = dir / "perm.txt";
    rlfseg::writeFileAtomically(p.string(), std::string("a"));
    ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
    rlfseg::writeFileAtomically(p.string(), std::string("b"));
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_EQ(rlfseg::readFileToString(p.string()), "b");
}
#endif

TEST(RemoveTree, RemovesNestedFoldersButNotWhatLinksPointTo) {
    namespace fs = std::filesystem;
    const auto dir = rlfseg::test::makeTempDir("remove-tree");
    const auto tree = dir / "tree", outside = dir / "outside";
    fs::create_directories(tree / "a" / "b");
    fs::create_directories(outside);
    rlfseg::test::writeBytes(tree / "a" / "b" / "file.bin", "x");
    rlfseg::test::writeBytes(tree / "top.txt", "y");
    rlfseg::test::writeBytes(outside / "kept.txt", "z");
    fs::create_directory_symlink(outside, tree / "a" / "link");

    EXPECT_TRUE(rlfseg::removeTree(tree));
    EXPECT_FALSE(fs::exists(fs::symlink_status(tree)));
    EXPECT_TRUE(fs::exists(outside / "kept.txt")); // the link went, not its target

    EXPECT_TRUE(rlfseg::removeTree(dir / "never-existed"));
    EXPECT_TRUE(rlfseg::removeTree(outside / "kept.txt")); // a plain file
    EXPECT_FALSE(fs::exists(outside / "kept.txt"));
}
