#include "TestSupport.h"

#include "core/io/RemoveTree.h"
#include "core/io/AtomicFile.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <unistd.h>
#include <vector>

namespace rlfseg::test {

namespace {

// Training tests write checkpoints of hundreds of MB; left behind, a few test runs fill a CI disk.
class TempDirRegistry {
public:
    void add(const std::filesystem::path& dir) {
        std::lock_guard lock(mMutex);
        mDirs.push_back(dir);
    }
    ~TempDirRegistry() {
        if (std::getenv("RLFSEG_KEEP_TEST_FILES") || ::getpid() != mOwner) return; // a forked child keeps its parent's files
        for (const auto& dir : mDirs) removeTree(dir);
    }

private:
    std::mutex mMutex;
    std::vector<std::filesystem::path> mDirs;
    const pid_t mOwner = ::getpid();
};

TempDirRegistry& tempDirs() {
    static TempDirRegistry registry;
    return registry;
}

} // namespace

std::filesystem::path makeTempDir(const std::string& tag) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("rlfseg-test-" + tag + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
    removeTree(dir);
    std::filesystem::create_directories(dir);
    tempDirs().add(dir);
    return dir;
}

std::string readBytes(const std::filesystem::path& path) { return readFileToString(path.string()); }

void writeBytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << "could not write " << path;
}

double maskIoU(const cv::Mat& a, const cv::Mat& b) {
    const double u = cv::countNonZero((a != 0) | (b != 0));
    return u > 0 ? cv::countNonZero((a != 0) & (b != 0)) / u : 0.0;
}

std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("NOT rlfseg::Error: ") + e.what();
    }
    return "";
}

void expectError(const std::function<void()>& fn, const std::filesystem::path& file, const std::string& needle) {
    try {
        fn();
        ADD_FAILURE() << "no rlfseg::Error thrown for " << file;
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(file.filename().string()), std::string::npos) << "message does not name the file: " << message;
        if (!needle.empty())
            EXPECT_NE(message.find(needle), std::string::npos) << "message lacks '" << needle << "': " << message;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type for " << file << ": " << e.what();
    }
}

} // namespace rlfseg::test
