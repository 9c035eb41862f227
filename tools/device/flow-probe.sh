#!/bin/bash
# One device call: how far does the default ("tiny") architecture get with far more flow training
# than the 2-core CPU allows? Builds the CLI (and the core tests, whose CUDA cases it runs) against
# the machine's PyTorch, generates the default model's data (same command, no second style), times
# a short flow run, then trains the flow stage from the default model's VAE with a fresh UNet and
# text encoder on CUDA (bf16 autocast) with a cosine schedule sized to end by TRAIN_UNTIL, and
# evaluates the result and the default model on the same val expressions. docs/RESULTS.md has the
# outcome. Knobs: TRAIN_UNTIL (s after the start), BATCH, LR, T0 (t = 0 probability), CUDA_TESTS.
set -u
T0S=$(date +%s); el() { echo $(( $(date +%s) - T0S )); }
log() { echo "[$(el)s] $*" | tee -a $OUT/summary.txt; }
TRAIN_UNTIL=${TRAIN_UNTIL:-470}; BATCH=${BATCH:-256}; LR=${LR:-0.001}; T0=${T0:-1.0}
source tools/device/common.sh
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a $OUT/summary.txt
device_configure $OUT/build.log
ninja -C build-cuda -j16 rlfseg >> $OUT/build.log 2>&1; log "build cli rc=$?"
CLI=$PWD/build-cuda/app/cli/rlfseg; W=/tmp/probe; mkdir -p $W
# The data on one core while the tests build and run on the others.
( $CLI generate-shapes --out $W/shapes --images 8000 --seed 7 --expressions 4 --quiet; echo "data rc=$?" > $W/data.rc ) &
DATA=$!
if [ "${CUDA_TESTS:-1}" = 1 ]; then
  ninja -C build-cuda -j15 rlfseg_core_tests >> $OUT/build.log 2>&1; log "build tests rc=$?"
  timeout 90 build-cuda/tests/core/rlfseg_core_tests --gtest_filter='*Cuda*:*CUDA*:SegmentationPipeline*:RefinementTorch*:MaskResize*' \
    > $OUT/cuda-tests.txt 2>&1
  log "cuda gtests rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' $OUT/cuda-tests.txt | tr '\n' ' ')"
fi
wait $DATA; log "$(cat $W/data.rc)"
recipe() {  # recipe STEPS EVAL_EVERY
  cat <<R
{"init": "$PWD/resources/models/default", "reset": ["unet", "text_encoder"], "data": "$W/shapes", "seed": 5,
 "device": "cuda", "precision": "bfloat16", "labels": "clean", "checkpoint_every": 100000, "keep_checkpoints": 1,
 "stages": [{"kind": "flow", "steps": $1, "batch_size": $BATCH, "learning_rate": $LR, "warmup_steps": $(( $1 / 15 + 1 )),
             "decay": "cosine", "min_learning_rate": 0.05, "weight_decay": 0.01, "gradient_clip": 1.0, "ema_decay": 0.999,
             "train_text_encoder": true, "eval_every": $2, "eval_samples": 200, "t_zero_probability": $T0}]}
R
}
# Timing: 40 steps (this also writes the latent cache, which the real run reuses).
recipe 40 100000 > $W/timing.json
timeout 120 $CLI train --config $W/timing.json --out $W/timing --quiet > $OUT/train.txt 2>&1; log "timing run rc=$?"
SPS=$(python3 -c "
import json; r=[json.loads(l) for l in open('$W/timing/log.jsonl')]; r=[x['samples_per_s'] for x in r if x.get('kind')=='step'][-20:]
r.sort(); print(int(r[len(r)//2]))")
STEPS=$(( ( TRAIN_UNTIL - $(el) - 40 ) * SPS * 9 / 10 / BATCH )); EVERY=$(( STEPS / 4 ))
log "timing: $SPS samples/s at batch $BATCH -> $STEPS steps ($(( STEPS * BATCH )) samples), validation every $EVERY"
mkdir -p $W/run && cp -r $W/timing/cache $W/run/cache
recipe $STEPS $EVERY > $W/recipe.json; cp $W/recipe.json $OUT/recipe.json
timeout -s INT $(( TRAIN_UNTIL + 30 - $(el) )) $CLI train --config $W/recipe.json --out $W/run --quiet >> $OUT/train.txt 2>&1; log "train rc=$?"
grep '"validation"' $W/run/log.jsonl >> $OUT/summary.txt; cp $W/run/log.jsonl $OUT/
run_summary $W/run >> $OUT/summary.txt
CK=$( [ -d $W/run/model ] && echo $W/run/model || ls -d $W/run/checkpoints/* | tail -1 ); log "evaluating $CK"
for m in "$CK" "$PWD/resources/models/default"; do
  n=$(basename $(dirname $m))-$(basename $m)
  timeout 45 $CLI eval --model $m --data $W/shapes --split val --limit 400 --threshold 0.5 --device cuda --report $W/val-$n.json --quiet; r=$?; cp $W/val-$n.json $OUT/
  log "eval $n rc=$r $(eval_summary $OUT/val-$n.json)"
done
log done
