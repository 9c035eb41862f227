#pragma once
// The subcommands of `rlfseg`. Each adds itself to the CLI11 app and runs through a callback;
// errors a user can cause surface as rlfseg::Error and are printed by main().

#include <CLI/CLI.hpp>

namespace rlfseg::cli {

void addSegmentCommand(CLI::App& app);
void addInfoCommand(CLI::App& app);
void addGenerateShapesCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
void addEvalCommand(CLI::App& app);
void addCalibrateCommand(CLI::App& app);
void addRefineCommand(CLI::App& app);
void addCocoCommand(CLI::App& app);
void addAnnotateCommand(CLI::App& app);
void addLaunchCommand(CLI::App& app);

} // namespace rlfseg::cli
