#!/bin/bash
# One device call: which flow recipe should the CPU-trained default model use? The GPU runs the
# candidate recipes with exactly the batches, steps, resolutions and float32 the CPU would use,
# one after another, each from the default model's VAE with a fresh UNet and text encoder, and evaluates
# each on the same 400 val expressions at 256 px (and a 128 px model at its own resolution too).
# What a recipe costs on the CPU is measured there, not here. docs/RESULTS.md has the outcome.
# Knobs: DEADLINE (s after the start by which every run is stopped), CANDIDATES (names below).
set -u
T0S=$(date +%s); el() { echo $(( $(date +%s) - T0S )); }
log() { echo "[$(el)s] $*" | tee -a $OUT/summary.txt; }
DEADLINE=${DEADLINE:-540}; CANDIDATES=${CANDIDATES:-base128 curriculum curriculum_long all128}
source tools/device/common.sh
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a $OUT/summary.txt
device_configure $OUT/build.log
# The data (the default model's command, without the second style) while the CLI builds.
W=/tmp/probe; mkdir -p $W
( while [ ! -x build-cuda/app/cli/rlfseg ]; do sleep 2; done
  build-cuda/app/cli/rlfseg generate-shapes --out $W/shapes --images 8000 --seed 7 --expressions 4 --quiet
  echo "data rc=$?" > $W/data.rc ) &
DATA=$!
ninja -C build-cuda -j16 rlfseg >> $OUT/build.log 2>&1; log "build cli rc=$?"
CLI=$PWD/build-cuda/app/cli/rlfseg
wait $DATA; log "$(cat $W/data.rc)"
# recipe NAME: the flow stages of a candidate, as the CPU would run them.
python3 - "$W" "$PWD/resources/models/default" <<'PY'
import json, sys
w, init = sys.argv[1], sys.argv[2]
def flow(steps, batch=128, lr=1e-3, warmup=100, res=None, evals=2):
    s = {"kind": "flow", "steps": steps, "batch_size": batch, "learning_rate": lr, "warmup_steps": warmup,
         "decay": "cosine", "min_learning_rate": 0.05, "weight_decay": 0.01, "gradient_clip": 1.0,
         "ema_decay": 1 - 0.001 * batch / 32, "t_zero_probability": 1.0, "train_text_encoder": True,
         "eval_every": max(1, steps // evals), "eval_samples": 200}
    if res: s["resolution"] = res
    return s
# Each about the shipped flow stage's CPU work (160k samples at 256 px), taking a 128 px sample as a
# quarter of a 256 px one (the UNet's work; the CPU measures the real ratio). The EMA's horizon is
# the same number of samples at every batch size.
candidates = {
    "base": [flow(5000, batch=32, lr=5e-4, warmup=300)],           # the shipped recipe's flow stage
    "base128": [flow(1250)],                                        # the same samples in batches of 128
    "curriculum": [flow(1500, res=128), flow(750, lr=5e-4, warmup=25)],
    "curriculum_long": [flow(3000, res=128), flow(500, lr=5e-4, warmup=25)],
    "all128": [flow(5000, res=128, evals=4)],
}
for name, stages in candidates.items():
    r = {"init": init, "reset": ["unet", "text_encoder"], "data": w + "/shapes", "seed": 5, "device": "cuda",
         "precision": "float32", "threads": 8, "labels": "clean", "checkpoint_every": 1000, "keep_checkpoints": 1,
         "stages": stages}
    json.dump(r, open(f"{w}/{name}.json", "w"), indent=1)
PY
# evaluate MODEL NAME [RES]: val, 400 expressions, at 0.5 (and the best threshold), at the model's or RES px.
evaluate() {
  local m=$1 n=$2
  if [ -n "${3:-}" ]; then
    cp -r $m $W/res-$n && python3 -c "
import json,sys; p='$W/res-$n/vae/config.json'; c=json.load(open(p)); c['sample_size']=$3; json.dump(c,open(p,'w'))"; m=$W/res-$n
  fi
  timeout 25 $CLI eval --model $m --data $W/shapes --split val --limit 400 --threshold 0.5 --device cuda --report $W/val-$n.json --quiet
  log "eval $n rc=$? $(eval_summary $W/val-$n.json)"
}
# One candidate after another, each alone on the GPU: five at once (2026-11-26) shared it so badly
# (300 to 1,200 samples/s each) that only one finished in the call. A run still going at its share
# of the time left is stopped with a checkpoint, and its steps say so.
set -- $CANDIDATES; N=$#
for c in $CANDIDATES; do
  cp $W/$c.json $OUT/recipe-$c.json; R=$W/run-$c
  SHARE=$(( (DEADLINE - 30 - $(el)) / N - 25 )); N=$(( N - 1 ))
  timeout -s INT $SHARE $CLI train --config $W/$c.json --out $R --quiet > $W/train-$c.txt 2>&1
  log "$c: rc=$? in ${SHARE}s: $(tail -1 $W/train-$c.txt | tail -c 200)"
  grep '"validation"' $R/log.jsonl | sed "s/^/$c /" >> $OUT/summary.txt
  run_summary $R $c >> $OUT/summary.txt
  M=$( [ -d $R/model ] && echo $R/model || ls -d $R/checkpoints/* 2>/dev/null | tail -1 )
  [ -n "$M" ] && evaluate $M $c
  [ "$c" = all128 ] && [ -n "$M" ] && evaluate $M $c-at128 128
done
evaluate $PWD/resources/models/default shipped
log done
# Only 8 files come back from a device call, in name order: the summary and one archive of the rest.
cp $W/val-*.json $OUT/ 2>/dev/null; (cd $OUT && tar czf logs.tar.gz --remove-files $(ls | grep -v '^summary.txt$'))
