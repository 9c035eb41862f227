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

# run_summary RUN [LABEL]: one line on a training run folder's log (steps, loss, median speed, time).
run_summary() {
  python3 -c "
import json; r=[json.loads(l) for l in open('$1/log.jsonl')]; s=[x for x in r if x.get('kind')=='step']
print(*[w for w in ['${2:-}'] if w], 'steps', len(s), 'last', s[-1]['global_step'], 'loss', round(s[-1]['loss'],4), 'median samples/s', sorted(x['samples_per_s'] for x in s)[len(s)//2], 'elapsed', round(s[-1]['elapsed_s']))" 2>&1
}

# eval_summary REPORT.json: the figures of an `rlfseg eval` report that the probes compare.
eval_summary() {
  python3 -c "import json;j=json.load(open('$1'));print({k:round(j[k],4) for k in ['mIoU','oIoU','prec@0.5','prec@0.9','best_threshold','best_threshold_mIoU','ms_per_sample']})" 2>&1
}
