#!/bin/bash
# One device call: continue the default model on a GPU with far more distinct training data than
# the CPU can encode and train on in a session, and bring the model back. Builds the CLI against the
# machine's PyTorch, generates a large shapes set (its own seed, half of it varied, the unseen pairs
# kept out, no test splits) and the default model's evaluation set (seed 7, as the Makefile makes
# it) on every core, times a short flow run (which also writes the latent cache), sizes a cosine
# schedule to end by TRAIN_UNTIL seconds after the start, continues every network of
# resources/models/default on CUDA (bf16 autocast), calibrates the mask threshold on 800 val
# expressions and evaluates test, test_unseen and test_style. The model comes back in 15 MB parts
# (a call returns files of 16 MiB at most): cat model.tar.part-* | tar x. While the machine is warm,
# tools/device/gpu-continue-again.sh continues the result on the same latents.
# Knobs: TRAIN_UNTIL, DEADLINE (s after the start), IMAGES, SEED, BATCH, LR, VARIED, DARK (the share
# of the varied images in dark tones), EVAL_SPLITS (what
# to evaluate on the device while time lasts; "" for none: the CPU measures the splits afterwards).
# To try it here on the CPU first: LOCAL_CLI=build/app/cli/rlfseg DEVICE=cpu PRECISION=float32
# IMAGES=300 EVAL_IMAGES=200 TRAIN_UNTIL=200 OUT=/tmp/out bash tools/device/gpu-continue.sh
set -u
T0S=$(date +%s); el() { echo $(( $(date +%s) - T0S )); }
log() { echo "[$(el)s] $*" | tee -a $OUT/summary.txt; }
TRAIN_UNTIL=${TRAIN_UNTIL:-480}; DEADLINE=${DEADLINE:-580}; IMAGES=${IMAGES:-48000}; EVAL_IMAGES=${EVAL_IMAGES:-8000}
SEED=${SEED:-10}; BATCH=${BATCH:-256}; LR=${LR:-0.0004}; VARIED=${VARIED:-0.5}; DARK=${DARK:-0}; EVAL_SPLITS=${EVAL_SPLITS-test}
DEVICE=${DEVICE:-cuda}; PRECISION=${PRECISION:-bfloat16}
W=${WORK:-/tmp/gpu}; rm -rf $W; mkdir -p $W $OUT
THREADS=$(nproc)
if [ -n "${LOCAL_CLI:-}" ]; then
  CLI=$(realpath $LOCAL_CLI)
else
  source tools/device/common.sh
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a $OUT/summary.txt
  device_configure $W/build.log
  ninja -C build-cuda -j$THREADS rlfseg >> $W/build.log 2>&1; log "build cli rc=$?"
  CLI=$PWD/build-cuda/app/cli/rlfseg
fi
# The training set, every core drawing (the evaluation set is drawn while the GPU trains).
$CLI generate-shapes --out $W/train --images $IMAGES --seed $SEED --val 0.01 --test 0 --unseen-fraction 0 \
  --expressions 4 --varied-train $VARIED --varied-dark $DARK --threads $THREADS --quiet; log "train data rc=$?"
recipe() {  # recipe STEPS EVAL_EVERY CHECKPOINT_EVERY
  cat <<R
{"comment": "tools/device/gpu-continue.sh: the default model continued on $IMAGES generated images (seed $SEED, varied $VARIED, dark share of those $DARK) on a GPU",
 "init": "$PWD/resources/models/default", "data": "$W/train", "seed": 20261127,
 "device": "$DEVICE", "precision": "$PRECISION", "labels": "clean", "checkpoint_every": $3, "keep_checkpoints": 1,
 "model_card": {"name": "RLFSeg shapes (default)",
   "trained_on": "synthetic shapes (SHAPES.md): 10 shapes, 12 colours, sizes, positions, relations",
   "description": "A small Stable-Diffusion-shaped model trained from scratch by this project on its synthetic shapes data. It knows only that world: photographs will not work. Load a Stable Diffusion 1.5/2.1 folder fine-tuned with \`rlfseg train --init\` for real images."},
 "stages": [{"kind": "flow", "steps": $1, "batch_size": $BATCH, "learning_rate": $LR, "warmup_steps": $(( $1 / 15 + 1 )),
             "decay": "cosine", "min_learning_rate": 0.05, "weight_decay": 0.01, "gradient_clip": 1.0, "ema_decay": 0.999,
             "train_text_encoder": true, "eval_every": $2, "eval_samples": 200, "t_zero_probability": 1.0}]}
R
}
# Timing: 30 steps; this also encodes the latents, which the real run reuses.
recipe 30 100000 100000 > $W/timing.json
timeout $(( TRAIN_UNTIL - $(el) )) $CLI train --config $W/timing.json --out $W/timing > $W/train.txt 2>&1; log "timing run rc=$? $(grep -o 'encoding.*' $W/train.txt | head -1)"
SPS=$(python3 -c "
import json; r=[json.loads(l) for l in open('$W/timing/log.jsonl')]; r=sorted(x['samples_per_s'] for x in r if x.get('kind')=='step')[-20:]
print(int(r[len(r)//2]))")
STEPS=$(( ( TRAIN_UNTIL - $(el) - 25 ) * SPS * 85 / 100 / BATCH )); [ $STEPS -lt 20 ] && STEPS=20
log "timing: $SPS samples/s at batch $BATCH -> $STEPS steps ($(( STEPS * BATCH )) samples)"
mkdir -p $W/run && cp -r $W/timing/cache $W/run/cache
( $CLI generate-shapes --out $W/eval --images $EVAL_IMAGES --seed 7 --expressions 4 --style-images $(( EVAL_IMAGES / 16 )) \
    --threads $(( THREADS / 4 + 1 )) --quiet; echo "eval data rc=$?" > $W/eval-data.rc ) &
recipe $STEPS $(( STEPS / 4 )) $(( STEPS / 3 )) > $W/recipe.json
timeout -s INT $(( TRAIN_UNTIL + 20 - $(el) )) $CLI train --config $W/recipe.json --out $W/run >> $W/train.txt 2>&1; log "train rc=$?"
grep '"validation"' $W/run/log.jsonl | cut -c1-200 >> $OUT/summary.txt
M=$( [ -f $W/run/model/rlfseg.json ] && echo $W/run/model || ls -d $W/run/checkpoints/* | tail -1 ); log "model: $M"
wait; log "$(cat $W/eval-data.rc) $(python3 -c "import json;print({k:v['refs'] for k,v in json.load(open('$W/eval/dataset.json'))['splits'].items()})")"
# The threshold the app will use, then the model goes out (before anything that could run late).
timeout 60 $CLI calibrate --model $M --data $W/eval --split val --limit 800 --device $DEVICE > $W/calibrate.txt 2>&1
log "calibrate rc=$? $(tail -2 $W/calibrate.txt | tr '\n' ' ')"
# At most 8 files come back, 16 MiB each: the summary, the model in parts, one archive of the rest.
tar cf $W/model.tar --exclude=training_state -C $(dirname $M) $(basename $M) && split -b 15m $W/model.tar $OUT/model.tar.part-
log "model packed: $(ls $OUT | tr '\n' ' ')"
for s in $EVAL_SPLITS; do
  LEFT=$(( DEADLINE - 10 - $(el) )); [ $LEFT -lt 20 ] && { log "eval $s skipped"; continue; }
  timeout $(( LEFT < 90 ? LEFT : 90 )) $CLI eval --model $M --data $W/eval --split $s --device $DEVICE --report $W/eval-$s.json > $W/eval-$s.txt 2>&1
  log "eval $s rc=$? $(grep -E 'expressions, one-step|mIoU at 0.5|by kind' $W/eval-$s.txt | tr '\n' ' ')"
done
cp $W/run/log.jsonl $W/ 2>/dev/null
(cd $W && tar czf $OUT/logs.tar.gz recipe.json log.jsonl *.txt eval-*.json build.log 2>/dev/null)
log "done"
