#include "TestSupport.h"

#include <atomic>
#include <random>
#include <unistd.h>

namespace rlfseg::test {

std::filesystem::path makeTempDir(const std::string& tag) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("rlfseg-test-" + tag + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace rlfseg::test
