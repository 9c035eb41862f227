#pragma once
// The subcommands of `rlfseg`. Each adds itself to the CLI11 app and runs through a callback;
// errors a user can cause surface as rlfseg::Error and are printed by main().

#include "core/refine/EdgeSnap.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

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

// --edge-snap's value: "" (not given) the model card's; "off" or "0" off; "RADIUS" or
// "RADIUS,EPSILON" that snap. Throws rlfseg::Error for anything else.
std::optional<refine::EdgeSnap> parseEdgeSnap(const std::string& text);
constexpr const char* kEdgeSnapHelp =
    "Snap the soft mask to the image's edges: off, RADIUS or RADIUS,EPSILON (default: the model's calibrated one)";

} // namespace rlfseg::cli
