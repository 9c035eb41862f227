#!/bin/bash
# A second device call right after tools/device/gpu-continue.sh, while the machine is still warm
# (its files are kept until it is given back): continues that call's model for STEPS more batches
# on the same latent cache (no build, no data, no encoding) with a fresh cosine schedule at LR,
# calibrates the threshold on the same evaluation set and brings the model back in 15 MB parts
# (cat m2.tar.part-* | tar x). Knobs: STEPS, LR, TRAIN_FOR (s). It made the default recipe's ninth
# stage (docs/recipes/gpu-continue-2.json) in 166 s.
set -u
export LD_LIBRARY_PATH=/opt/deps/lib:${LD_LIBRARY_PATH:-}
STEPS=${STEPS:-1500}; LR=${LR:-0.0002}; TRAIN_FOR=${TRAIN_FOR:-175}
W=${WORK:-/tmp/gpu}; CLI=$PWD/build-cuda/app/cli/rlfseg; S=$(date +%s)
[ -f $W/recipe.json ] && [ -d $W/run/model ] || { echo "no model of an earlier gpu-continue.sh run in $W on this machine"; exit 1; }
rm -rf $W/run2 && mkdir -p $W/run2 && cp -al $W/run/cache $W/run2/cache  # links: gigabytes, read only
python3 -c "
import json; r = json.load(open('$W/recipe.json')); r['init'] = '$W/run/model'; r['checkpoint_every'] = 500
r['stages'][0].update(steps=$STEPS, learning_rate=$LR, warmup_steps=50, eval_every=500)
json.dump(r, open('$W/recipe2.json', 'w'))"
timeout -s INT $TRAIN_FOR $CLI train --config $W/recipe2.json --out $W/run2 > $W/train2.txt 2>&1
echo "train rc=$? $(( $(date +%s) - S ))s" > $OUT/s2.txt
grep '"validation"' $W/run2/log.jsonl | cut -c1-120 >> $OUT/s2.txt
grep -q "read from" $W/train2.txt || echo "the latent cache was not reused (see train2.txt)" >> $OUT/s2.txt
M=$( [ -f $W/run2/model/rlfseg.json ] && echo $W/run2/model || ls -d $W/run2/checkpoints/* 2>/dev/null | tail -1 )
[ -n "$M" ] || { echo "no model or checkpoint in $W/run2" >> $OUT/s2.txt; cat $OUT/s2.txt; exit 1; }
echo $M >> $OUT/s2.txt
timeout 40 $CLI calibrate --model $M --data $W/eval --split val --limit 800 --device cuda > $W/calibrate2.txt 2>&1
echo "calibrate rc=$? $(tail -1 $W/calibrate2.txt)" >> $OUT/s2.txt
cp $W/train2.txt $W/recipe2.json $OUT/
tar cf $W/m2.tar --exclude=training_state -C $(dirname $M) $(basename $M) && split -b 15m $W/m2.tar $OUT/m2.tar.part-
echo "done $(( $(date +%s) - S ))s" >> $OUT/s2.txt; cat $OUT/s2.txt
