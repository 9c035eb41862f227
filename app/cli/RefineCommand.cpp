// rlfseg refine: the refinement and dynamic selection component (core/refine) on one mask, as the
// app's "clean up" runs it: every candidate with its scores in the report, the selected one written.

#include "Commands.h"

#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/refine/Refinement.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace rlfseg::cli {

void addRefineCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("refine", "Clean up a mask: refinement candidates, their scores, the best one");
    struct Args {
        std::string image, mask, reference, output, report;
        bool quiet = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--image", a->image, "The image")->required();
    cmd->add_option("--mask", a->mask, "The mask: 8-bit (0/255) or a 16-bit soft mask (p x 65535)")->required();
    cmd->add_option("--reference", a->reference, "A reference label (8-bit mask) to agree with");
    cmd->add_option("--output", a->output, "The selected mask (8-bit PNG, 0/255)")->required();
    cmd->add_option("--report", a->report, "JSON: every candidate with its scores, and why one was selected");
    cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    cmd->callback([a] {
        const cv::Mat rgb = loadImageRgb(a->image);
        const cv::Mat soft = loadMask(a->mask);
        if (soft.size() != rgb.size())
            throw Error(a->mask + " is " + std::to_string(soft.cols) + "x" + std::to_string(soft.rows) + ", the image " +
                        std::to_string(rgb.cols) + "x" + std::to_string(rgb.rows) + ": they must match");
        cv::Mat reference;
        if (!a->reference.empty()) {
            reference = loadMask(a->reference) > 0.5f;
            if (reference.size() != rgb.size()) throw Error(a->reference + ": its size differs from the image's");
        }
        const auto result = refine::refineMask(rgb, soft, reference);
        saveMaskPng(a->output, result.selectedMask());
        if (!a->report.empty()) writeFileAtomically(a->report, result.toJson().dump(2) + "\n");
        if (!a->quiet) std::cerr << "refine: " << result.reason << "\n";
    });
}

} // namespace rlfseg::cli
