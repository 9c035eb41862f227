// rlfseg: the command line of RLFSeg Studio (segment, info; training and evaluation come later).

#include "Commands.h"

#include "core/util/Error.h"

#include <rlfseg/BuildInfo.h>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"RLFSeg: text-prompted segmentation with a one-step rectified latent flow"};
    app.name("rlfseg");
    app.set_version_flag("--version", std::string("rlfseg ") + rlfseg::buildinfo::kVersion);
    app.require_subcommand(1);
    rlfseg::cli::addSegmentCommand(app);
    rlfseg::cli::addInfoCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const rlfseg::Error& e) {
        std::cerr << "rlfseg: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "rlfseg: internal error: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
