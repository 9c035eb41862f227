#!/bin/bash
# One device call (tools/device/README.md): build core + CLI + tests + bench against the machine's PyTorch (CUDA), then the
# CUDA checks, NCCL, a bf16 training smoke run, GPU benchmarks and the whole core/CLI suite.
set -u
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( ${DEADLINE:-560} - $(el) )); }
log() { echo "[$(el)s] $*" | tee -a $OUT/summary.txt; }
source tools/device/common.sh
{ nvidia-smi; python3 -c 'import torch;print("torch",torch.__version__,"cuda",torch.version.cuda,torch.cuda.is_available(),"nccl",torch.cuda.nccl.version())'; g++ --version | head -1; cmake --version | head -1; nproc; } > $OUT/env.txt 2>&1
NCCL_INC=$(python3 -c 'import nvidia.nccl,os;print(os.path.join(list(nvidia.nccl.__path__)[0],"include"))' 2>/dev/null)
log "nccl include $NCCL_INC"
device_configure $OUT/configure.log -DRLFSEG_FIXTURES_DIR=$PWD/.device/fixtures
log "configure rc=$?"
grep -o "USE_C10D_NCCL" build-cuda/build.ninja | head -1 | sed 's/^/define: /' | tee -a $OUT/summary.txt
timeout $(left) ninja -C build-cuda -k 0 -j16 rlfseg rlfseg_core_tests rlfseg_cli_tests rlfseg-bench > $OUT/build.log 2>&1
log "build rc=$? ($(grep -c 'error:' $OUT/build.log) errors)"
B=build-cuda; CLI=$B/app/cli/rlfseg; CT=$B/tests/core/rlfseg_core_tests
# 1. The CUDA tests themselves.
timeout 120 $CT --gtest_filter='*Cuda*:*CUDA*:SegmentationPipeline*:RefinementTorch*' > $OUT/cuda-tests.log 2>&1; log "cuda gtests rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' $OUT/cuda-tests.log | tr '\n' ' ')"
# 2. A bf16 training smoke run on CUDA (autocast), then segment and eval with what it wrote.
W=/tmp/w; mkdir -p $W
$CLI generate-shapes --out $W/shapes --images 96 --seed 1 --size 128 --max-objects 3 --quiet > $OUT/train.log 2>&1
cat > $W/recipe.json <<'R'
{"architecture": "tiny", "data": "shapes", "seed": 3, "device": "cuda", "precision": "bfloat16", "checkpoint_every": 50, "log": "csv",
 "stages": [{"kind": "vae", "steps": 40, "batch_size": 16, "crop": 64, "eval_samples": 8},
            {"kind": "flow", "steps": 60, "batch_size": 32, "eval_samples": 16}]}
R
timeout 150 $CLI train --config $W/recipe.json --out $W/run --quiet >> $OUT/train.log 2>&1; log "train cuda bf16 rc=$?"
tail -3 $W/run/log.csv >> $OUT/train.log 2>/dev/null
IMG=$(ls $W/shapes/images | head -1)
timeout 60 $CLI segment --model $W/run/model --image $W/shapes/images/$IMG --prompt "the red circle" --output $W/m.png --device cuda --precision float16 > $OUT/segment.log 2>&1; log "segment cuda fp16 rc=$? $(tail -1 $OUT/segment.log)"
timeout 90 $CLI eval --model $W/run/model --data $W/shapes --split test --report $W/eval.json --device cuda > $OUT/eval.log 2>&1; log "eval cuda rc=$? $(head -c 300 $W/eval.json 2>/dev/null)"
# 3. NCCL: two ranks on the one GPU (NCCL may refuse a duplicate GPU; the message must be clear).
sed 's/"checkpoint_every": 50/"checkpoint_every": 1000/' $W/recipe.json > $W/recipe2.json
for r in 0 1; do RANK=$r LOCAL_RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29611 RLFSEG_DIST_TIMEOUT_S=60 \
  timeout 120 $CLI train --config $W/recipe2.json --out $W/nccl --quiet > $OUT/nccl-rank$r.log 2>&1 & done; wait
log "nccl 2 ranks: $(tail -2 $OUT/nccl-rank0.log | tr '\n' ' ')"
# 4. GPU benchmarks: default-size and SD 1.5 networks, float16 and float32.
timeout $(( $(left) > 150 ? 150 : $(left) )) $B/bench/rlfseg-bench --device cuda --precision float16 --architectures tiny,sd15 --sizes 256,512 \
  --out $OUT/bench-cuda-fp16.json --markdown $OUT/bench-cuda-fp16.md --scratch /tmp/bench > $OUT/bench.log 2>&1; log "bench fp16 rc=$?"
# 5. Everything else in the core and CLI suites, as long as time lasts.
if [ $(left) -gt 45 ]; then
  (cd $B && timeout $(( $(left) - 15 )) ctest -j12 --timeout 150 -E "ui\\.|package" > $OUT/ctest.log 2>&1); log "ctest rc=$? $(grep -E 'tests passed|tests failed' $OUT/ctest.log)"
else log "ctest skipped: $(left)s left"; fi
grep -E "\*\*\*Failed|\*\*\*Exception|Timeout" $OUT/ctest.log | head -30 >> $OUT/summary.txt
log done; for f in segment.log nccl-rank1.log eval.log; do echo "== $f"; tail -5 $OUT/$f; rm -f $OUT/$f; done >> $OUT/summary.txt 2>/dev/null; mv $OUT/train.log $OUT/train.txt 2>/dev/null
# Only 8 files come back from a device call, in name order: the summary, the GPU benchmark and one archive of the rest.
(cd $OUT && tar czf logs.tar.gz --remove-files $(ls | grep -v -E '^(summary.txt|bench-cuda-fp16.md)$'))
