#pragma once
// Analytic floating-point operation counts (multiply and add counted as 2) of one forward pass,
// from the configs alone: convolutions, linear layers and attention products, which are where
// the time goes. Used to turn milliseconds into GFLOP/s.

#include "core/nn/ModelConfigs.h"

namespace rlfseg::bench {

double vaeEncoderFlops(const AutoencoderKLConfig& c, int height, int width);
double vaeDecoderFlops(const AutoencoderKLConfig& c, int latentHeight, int latentWidth);
double unetFlops(const UNet2DConditionConfig& c, int latentHeight, int latentWidth, int contextLength);
double clipTextFlops(const ClipTextConfig& c, int tokens);

} // namespace rlfseg::bench
