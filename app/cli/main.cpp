// rlfseg: the command line of RLFSeg Studio (segment, info, generate-shapes, train, eval, refine, coco, annotate).

#include "Commands.h"

#include "core/util/BlasKernels.h"
#include "core/util/Error.h"

#include <c10/util/Exception.h>

#include <rlfseg/BuildInfo.h>

#include <iostream>

int main(int argc, char** argv) {
    rlfseg::restartWithBetterBlasKernels(argv); // core/util/BlasKernels.h
    CLI::App app{"RLFSeg: text-prompted segmentation with a one-step rectified latent flow"};
    app.name("rlfseg");
    app.set_version_flag("--version", [] {
        return std::string("rlfseg ") + rlfseg::buildinfo::kVersion + "\nBLAS: " + rlfseg::blasDescription();
    });
    app.require_subcommand(1);
    rlfseg::cli::addSegmentCommand(app);
    rlfseg::cli::addInfoCommand(app);
    rlfseg::cli::addGenerateShapesCommand(app);
    rlfseg::cli::addTrainCommand(app);
    rlfseg::cli::addEvalCommand(app);
    rlfseg::cli::addCalibrateCommand(app);
    rlfseg::cli::addRefineCommand(app);
    rlfseg::cli::addCocoCommand(app);
    rlfseg::cli::addAnnotateCommand(app);
    rlfseg::cli::addLaunchCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const rlfseg::Error& e) {
        std::cerr << "rlfseg: error: " << e.what() << "\n";
        return 1;
    } catch (const c10::Error& e) {
        // LibTorch's own errors: out of memory is the one a user causes (a large model or image).
        const std::string message = e.what_without_backtrace();
        if (message.find("out of memory") != std::string::npos || message.find("DefaultCPUAllocator") != std::string::npos) {
            std::cerr << "rlfseg: error: out of memory (" << message.substr(0, message.find('\n'))
                      << "). Try a smaller model, --precision float16 on a GPU, or --device cpu.\n";
            return 1;
        }
        std::cerr << "rlfseg: internal error: " << message << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "rlfseg: error: out of memory. Try a smaller model or image.\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "rlfseg: internal error: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
