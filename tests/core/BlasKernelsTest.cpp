// Which OpenBLAS kernels to ask for (core/util/BlasKernels.h). The restart itself is tested end to
// end by the CLI tests (Cli.VersionNamesTheBlasKernels).

#include "core/util/BlasKernels.h"

#include <gtest/gtest.h>

using rlfseg::betterBlasCoreType;
using rlfseg::CpuVectorUnits;

TEST(BlasKernels, GenericKernelsOnAModernCpuAreReplaced) {
    EXPECT_EQ(betterBlasCoreType("Prescott", CpuVectorUnits{true, true}), "SkylakeX");
    EXPECT_EQ(betterBlasCoreType("Prescott", CpuVectorUnits{true, false}), "Haswell");
}

TEST(BlasKernels, ARightChoiceIsKept) {
    // A CPU without AVX2 gets the generic kernels rightly; a recognised CPU keeps its own kernels.
    EXPECT_EQ(betterBlasCoreType("Prescott", CpuVectorUnits{false, false}), "");
    EXPECT_EQ(betterBlasCoreType("SkylakeX", CpuVectorUnits{true, true}), "");
    EXPECT_EQ(betterBlasCoreType("Haswell", CpuVectorUnits{true, true}), "");
    EXPECT_EQ(betterBlasCoreType("Zen", CpuVectorUnits{true, false}), "");
    EXPECT_EQ(betterBlasCoreType("", CpuVectorUnits{true, true}), "") << "not OpenBLAS: nothing to set";
}

TEST(BlasKernels, DescribesTheBlasInThisProcess) {
    const std::string core = rlfseg::blasCoreName();
    const std::string description = rlfseg::blasDescription();
    if (core.empty())
        EXPECT_EQ(description, "not OpenBLAS");
    else
        EXPECT_EQ(description.rfind("OpenBLAS, " + core + " kernels", 0), 0u) << description;
}
