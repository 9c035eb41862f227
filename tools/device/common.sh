# Sourced by the device scripts (tools/device/README.md). device_configure LOG [CMAKE ARGS...]:
# unpacks .device/deps.tar.xz into /opt/deps and configures build-cuda (core, CLI and their tests,
# no UI) against the machine's PyTorch; the configure output goes to LOG, its status is returned.
device_configure() {
  local log=$1; shift
  rm -rf /opt/deps build-cuda/CMakeCache.txt && mkdir -p /opt/deps && tar xJf .device/deps.tar.xz -C /opt/deps
  export LD_LIBRARY_PATH=/opt/deps/lib:${LD_LIBRARY_PATH:-} PATH=/usr/local/cuda/bin:$PATH
  local torch_dir
  torch_dir=$(python3 -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')
  cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DRLFSEG_BUILD_UI=OFF -DTorch_DIR=$torch_dir \
    -DCMAKE_PREFIX_PATH=/opt/deps -DOpenCV_DIR=/opt/deps/lib/cmake -DICU_ROOT=/opt/deps \
    -DRLFSEG_GLOO_INCLUDE_DIR=/opt/deps/include -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,/opt/deps/lib" "$@" > $log 2>&1
}
