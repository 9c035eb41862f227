# Every find_package in one place. The Debian package names are in deps/debian-packages.txt.

find_package(Torch REQUIRED)            # Debian's libtorch-dev, or an official LibTorch via Torch_DIR
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

if(RLFSEG_BUILD_UI)
    find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets PrintSupport Test LinguistTools)
    find_package(QCustomPlotQt6 REQUIRED)   # needs Qt6 PrintSupport found first
endif()

if(RLFSEG_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()

# BLAS. Debian's LibTorch calls the system BLAS and parallelises the rest with OpenMP. With the
# pthread build of OpenBLAS the two thread pools fight over the cores (measured on 2 cores: the
# tiny UNet step took 300 ms, against 60 ms with OpenBLAS's OpenMP build, which shares LibTorch's
# pool; large products run at the same speed with both). So our programs look in the OpenMP
# build's folder first (DT_RPATH, which also applies to LibTorch's own lookup of libblas.so.3).
set(RLFSEG_OPENBLAS_OPENMP_DIR "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp")
if(EXISTS "${RLFSEG_OPENBLAS_OPENMP_DIR}/libblas.so.3")
    add_link_options("LINKER:--disable-new-dtags" "LINKER:-rpath,${RLFSEG_OPENBLAS_OPENMP_DIR}")
else()
    message(WARNING "OpenBLAS (OpenMP build) not found: install libopenblas0-openmp for fast CPU inference")
endif()
