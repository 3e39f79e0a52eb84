#!/usr/bin/env bash
# The GPU check and full-size runs, as one script for a lent GPU machine: the `tiktok` preset (official behaviour)
# and a corrected variant, side by side on one GPU. Records are copied flat into $OUT.
# Usage (repository root, data under $DATA_DIR/tiktok): OUT=outdir DATA_DIR=dir KDIFFE_GIT_COMMIT=sha bash tests/device_run.sh
set -u
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 KDIFFE_GIT_COMMIT=${KDIFFE_GIT_COMMIT:-unknown}
OUT=${OUT:-gpu_out}; DATA_DIR=${DATA_DIR:-dev_out/data}; LIMIT=${LIMIT:-520}
mkdir -p "$OUT/r"
nvidia-smi --query-gpu=name,memory.total --format=csv
python3 -c "import torch, torch_geometric; print('torch', torch.__version__, 'pyg', torch_geometric.__version__, 'cuda', torch.cuda.is_available())"
train() { timeout "$LIMIT" python3 -c "from kdiffe.cli import main; main()" train --model kdiffe --dataset tiktok \
          --data-dir "$DATA_DIR" --device cuda --out "$OUT/r" --no-progress --threads 4 "$@" 2>&1 | grep -v -i warn | tail -4; }
train > "$OUT/official.log" &
train --set guidance=paper --set eps_twice=False > "$OUT/corrected.log" &
wait
cat "$OUT"/*.log
cp "$OUT"/r/tiktok/kdiffe/*.json "$OUT"/ 2>/dev/null
rm -rf "$OUT/r"
ls -la "$OUT"
