#!/bin/bash
# One device call: how far does the default ("tiny") architecture get with far more flow training
# than the 2-core CPU allows? Builds the CLI against the machine's PyTorch, generates the default
# model's data (same command, no second style), trains the flow stage from the default model's VAE
# with a fresh UNet and text encoder on CUDA (bf16 autocast) until the time box, then evaluates the
# newest checkpoint and the default model on the same val expressions. docs/RESULTS.md has the outcome.
set -u
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
log() { echo "[$(el)s] $*" | tee -a $OUT/summary.txt; }
TRAIN_UNTIL=${TRAIN_UNTIL:-430}   # seconds after the start at which training is stopped (Ctrl-C: checkpoint)
rm -rf /opt/deps && mkdir -p /opt/deps && tar xJf .device/deps.tar.xz -C /opt/deps
export LD_LIBRARY_PATH=/opt/deps/lib:${LD_LIBRARY_PATH:-} PATH=/usr/local/cuda/bin:$PATH
TORCH_DIR=$(python3 -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')
cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DRLFSEG_BUILD_UI=OFF -DTorch_DIR=$TORCH_DIR \
  -DCMAKE_PREFIX_PATH=/opt/deps -DOpenCV_DIR=/opt/deps/lib/cmake -DICU_ROOT=/opt/deps -DRLFSEG_GLOO_INCLUDE_DIR=/opt/deps/include \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,/opt/deps/lib" > $OUT/configure.log 2>&1
ninja -C build-cuda -j16 rlfseg > $OUT/build.log 2>&1; log "build rc=$?"
CLI=$PWD/build-cuda/app/cli/rlfseg; W=/tmp/probe; mkdir -p $W
$CLI generate-shapes --out $W/shapes --images 8000 --seed 7 --expressions 4 --quiet; log "data rc=$?"
cat > $W/recipe.json <<R
{"init": "$PWD/resources/models/default", "reset": ["unet", "text_encoder"], "data": "$W/shapes", "seed": 5,
 "device": "cuda", "precision": "bfloat16", "labels": "clean", "checkpoint_every": 500, "keep_checkpoints": 1,
 "stages": [{"kind": "flow", "steps": ${PROBE_STEPS:-12000}, "batch_size": 64, "learning_rate": 0.0007, "warmup_steps": 300,
             "decay": "cosine", "min_learning_rate": 0.05, "weight_decay": 0.01, "gradient_clip": 1.0, "ema_decay": 0.999,
             "train_text_encoder": true, "eval_every": 1000, "eval_samples": 200, "t_zero_probability": 0.5}]}
R
timeout -s INT $(( TRAIN_UNTIL - $(el) )) $CLI train --config $W/recipe.json --out $W/run --quiet > $OUT/train.txt 2>&1; log "train rc=$?"
cp $W/run/log.jsonl $OUT/log.jsonl 2>/dev/null
grep '"validation"' $W/run/log.jsonl | tail -20 >> $OUT/summary.txt
tail -1 $W/run/log.jsonl >> $OUT/summary.txt
CK=$( [ -d $W/run/model ] && echo $W/run/model || ls -d $W/run/checkpoints/* | tail -1 ); log "evaluating $CK"
for m in "$CK" "$PWD/resources/models/default"; do
  n=$(basename $(dirname $m))-$(basename $m)
  timeout 45 $CLI eval --model $m --data $W/shapes --split val --limit 400 --threshold 0.5 --device cuda --report $OUT/val-$n.json --quiet
  log "eval $n rc=$? $(python3 -c "import json;j=json.load(open('$OUT/val-$n.json'));print({k:round(j[k],4) for k in ['mIoU','oIoU','prec@0.5','prec@0.9','best_threshold','best_threshold_mIoU','ms_per_sample']})" 2>&1)"
done
log done
