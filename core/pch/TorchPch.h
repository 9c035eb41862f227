#pragma once
// Precompiled header for the core library and its tests: LibTorch's umbrella header takes about
// 45 s to parse on the 2-core build machines, so it is parsed once per target, here.
#include <torch/torch.h>
