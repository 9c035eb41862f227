#pragma once
// Paths the core tests share. RLFSEG_FIXTURES_DIR and RLFSEG_TEST_DATA_DIR come from CMake.

#include <opencv2/core.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace rlfseg::test {

// ../shared/fixtures/sd-parity: the reference implementations' weights, inputs and outputs.
inline std::filesystem::path fixturesDir() { return RLFSEG_FIXTURES_DIR; }
inline std::filesystem::path fixture(const std::string& name) { return fixturesDir() / name; }

// tests/data: small files that ship with the repository.
inline std::filesystem::path testDataDir() { return RLFSEG_TEST_DATA_DIR; }

// A fresh, empty directory under the system's temp folder. It is removed when the test process
// exits normally (ctest runs one test per process), unless RLFSEG_KEEP_TEST_FILES is set.
std::filesystem::path makeTempDir(const std::string& tag);

// Whole files as bytes (binary-safe).
std::string readBytes(const std::filesystem::path& path);
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

// The message of the rlfseg::Error that `fn` throws; "" when it throws nothing, and "NOT rlfseg::Error: ..."
// for another exception (so a test looking for words in the message fails, and says why).
std::string errorOf(const std::function<void()>& fn);

// Asserts (GoogleTest) that `fn` throws rlfseg::Error whose message names `file` (its file name)
// and contains `needle`.
void expectError(const std::function<void()>& fn, const std::filesystem::path& file, const std::string& needle = "");

// IoU of two masks (nonzero = object, same size); 0 when both are empty.
double maskIoU(const cv::Mat& a, const cv::Mat& b);

} // namespace rlfseg::test
