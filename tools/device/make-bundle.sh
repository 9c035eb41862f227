#!/bin/bash
# Builds .device/deps.tar.xz: what the GPU machine lacks to build core + CLI + tests against its
# PyTorch (OpenCV core/imgproc/imgcodecs, ICU 72, nlohmann-json, CLI11, GoogleTest), with stub
# libraries standing in for OpenCV's heavy optional codecs (GDAL, GDCM, OpenEXR, TIFF, OpenJPEG, GLX, LAPACK).
set -euo pipefail
cd "$(dirname "$0")"; mkdir -p ../../.device; cd ../../.device
S=stage; rm -rf $S; mkdir -p $S/include $S/lib/cmake $S/share/cmake $S/stubsrc
L=/usr/lib/x86_64-linux-gnu
mkdir -p $S/include/opencv4/opencv2
cp -r /usr/include/opencv4/opencv2/{core,imgproc,imgcodecs} $S/include/opencv4/opencv2/
cp /usr/include/opencv4/opencv2/{core.hpp,imgproc.hpp,imgcodecs.hpp,opencv_modules.hpp,cvconfig.h} $S/include/opencv4/opencv2/ 2>/dev/null || true
cp -r /usr/include/{unicode,nlohmann,CLI,gtest,gmock,gloo} $S/include/  # gloo: the official LibTorch ships c10d headers that include it, but not its headers
for l in libopencv_core.so.406 libopencv_imgproc.so.406 libopencv_imgcodecs.so.406 libtbb.so.12 libjpeg.so.62 libpng16.so.16 libwebp.so.7 libsharpyuv.so.0 libicuuc.so.72; do
  [ -e $L/$l ] && cp -L $L/$l $S/lib/
done
for b in opencv_core opencv_imgproc opencv_imgcodecs; do ln -sf lib$b.so.406 $S/lib/lib$b.so; done
for b in icuuc icui18n icudata; do ln -sf lib$b.so.72 $S/lib/lib$b.so; done
mkdir -p $S/lib/x86_64-linux-gnu/cmake  # GTest's package finds its libraries relative to itself, as Debian lays them out
cp $L/libgtest.a $L/libgtest_main.a $L/libgmock.a $L/libgmock_main.a $S/lib/x86_64-linux-gnu/
cp -r $L/cmake/GTest $S/lib/x86_64-linux-gnu/cmake/
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 $S/share/cmake/
# Stubs: every symbol OpenCV takes from a library we leave behind returns 0 (OpenCV's codec registry constructs every codec; only PNG, JPEG and WebP are used).
undefined=$(for l in libopencv_core.so.406 libopencv_imgcodecs.so.406; do nm -D --undefined-only $L/$l | awk '{print $2}'; done | sort -u)
stub() { # soname real-library [version]
  local soname=$1 real=$2 version=${3:-}
  local src=$S/stubsrc/$soname.s
  : > $src
  for sym in $(nm -D --defined-only $L/$real | awk '{print $3}' | sed 's/@.*//' | sort -u | comm -12 - <(echo "$undefined" | sed 's/@.*//' | sort -u)); do
    printf '.globl %s\n.type %s,@function\n%s:\n xor %%eax,%%eax\n ret\n' "$sym" "$sym" "$sym" >> $src
  done
  local vs=()
  if [ -n "$version" ]; then echo "$version { global: *; };" > $S/stubsrc/$soname.map; vs=(-Wl,--version-script=$S/stubsrc/$soname.map); fi
  gcc -shared -nostdlib -o $S/lib/$soname -Wl,-soname,$soname "${vs[@]}" $src
}
stub libgdal.so.32 libgdal.so.32
stub libgdcmMSFF.so.3.0 libgdcmMSFF.so.3.0
stub libgdcmDSED.so.3.0 libgdcmDSED.so.3.0
stub libOpenEXR-3_1.so.30 libOpenEXR-3_1.so.30
stub libtiff.so.6 libtiff.so.6 LIBTIFF_4.0
stub libopenjp2.so.7 libopenjp2.so.7
stub libGLX.so.0 libGLX.so.0
stub liblapack.so.3 liblapack.so.3
stub libblas.so.3 libblas.so.3
# ICU: libicuuc as is; its data cut to what core/text uses (NFKC and the root locale), and no
# libicui18n code (nothing of it is called).
echo '' > $S/stubsrc/empty.s && gcc -shared -nostdlib -o $S/lib/libicui18n.so.72 -Wl,-soname,libicui18n.so.72 $S/stubsrc/empty.s
W=$(mktemp -d); objcopy -O binary --only-section=.rodata $L/libicudata.so.72 $W/all.bin
python3 -c "import sys; d=open('$W/all.bin','rb').read(); open('$W/icudt72l.dat','wb').write(d)"
printf "nfkc.nrm\nnfkc_cf.nrm\nroot.res\nres_index.res\npool.res\n" > $W/list.txt
mkdir -p $W/x $W/min && icupkg -x $W/list.txt -d $W/x $W/icudt72l.dat && icupkg -tl -a $W/list.txt -s $W/x new $W/min/icudt72l.dat
(cd $W/min && genccode -a gcc -e icudt72 -d . icudt72l.dat >/dev/null) && gcc -shared -o $S/lib/libicudata.so.72 -Wl,-soname,libicudata.so.72 $W/min/icudt72l_dat.S
rm -rf $W $S/stubsrc
cat > $S/lib/cmake/OpenCVConfig.cmake <<'CFG'
# Enough of OpenCV's package for RLFSeg: core, imgproc, imgcodecs from this bundle.
get_filename_component(_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(OpenCV_INCLUDE_DIRS "${_root}/include/opencv4")
set(OpenCV_LIBS)
foreach(m core imgproc imgcodecs)
  if(NOT TARGET opencv_${m})
    add_library(opencv_${m} SHARED IMPORTED)
    set_target_properties(opencv_${m} PROPERTIES IMPORTED_LOCATION "${_root}/lib/libopencv_${m}.so.406"
      INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIRS}")
  endif()
  list(APPEND OpenCV_LIBS opencv_${m})
endforeach()
set(OpenCV_FOUND TRUE)
set(OpenCV_VERSION 4.6.0)
CFG
tar cJf deps.tar.xz -C $S .
rm -rf $S fixtures && cp -r ../../shared/fixtures/sd-parity fixtures  # the parity fixtures, for the tests
ls -la deps.tar.xz
