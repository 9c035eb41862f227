#include "core/util/Paths.h"

#include "core/util/Error.h"

#include <rlfseg/BuildInfo.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace rlfseg {

std::string executableDirectory() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::string resourcesDirectory() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("RLFSEG_DATA_DIR")) candidates.emplace_back(env);
    if (const auto exe = executableDirectory(); !exe.empty()) candidates.push_back(fs::path(exe) / ".." / "share" / "rlfseg");
    candidates.emplace_back(buildinfo::kInstallDataDir);
    candidates.push_back(fs::path(buildinfo::kSourceDir) / "resources");
    for (const auto& c : candidates) {
        std::error_code ec;
        if (fs::is_directory(c, ec)) return fs::weakly_canonical(c, ec).string();
    }
    return {};
}

std::string defaultModelDirectory() {
    if (const char* env = std::getenv("RLFSEG_DEFAULT_MODEL")) {
        if (!fs::is_directory(env)) throw Error(std::string("RLFSEG_DEFAULT_MODEL points to ") + env + ", which is not a folder");
        return env;
    }
    const auto resources = resourcesDirectory();
    const fs::path model = fs::path(resources) / "models" / "default";
    if (resources.empty() || !fs::is_regular_file(model / "model_index.json"))
        throw Error("No default model is installed" +
                    (resources.empty() ? std::string() : " (looked in " + model.string() + ")") +
                    ". Pass --model DIR with a diffusers-layout RLFSeg or Stable Diffusion folder, or train one with "
                    "`rlfseg train`.");
    return model.string();
}

} // namespace rlfseg
