#!/usr/bin/env bash
# The GPU checks and full-size runs, as one script for a lent GPU machine (15 minutes a session): every job runs
# in parallel on the one GPU under `timeout`, and the run records are copied flat into $OUT.
# Default jobs: the `tiktok` KDiffE preset with the optimised paths and with `optimized=False`, same seed (the
# issue-6 comparison, and the GPU seconds per epoch / per 130-epoch run). Override with JOBS, one job per line,
# each line the arguments of `kdiffe train` after the dataset options, e.g.
#   JOBS=$'--model diffmm --set ssl_reg=0.01\n--model kdiffe --seed 1'
# Usage (repository root, data under $DATA_DIR/tiktok):
#   OUT=outdir DATA_DIR=dir KDIFFE_GIT_COMMIT=sha bash tests/device_run.sh
set -u
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 KDIFFE_GIT_COMMIT=${KDIFFE_GIT_COMMIT:-unknown}
OUT=${OUT:-gpu_out}; DATA_DIR=${DATA_DIR:-dev_out/data}; LIMIT=${LIMIT:-520}
JOBS=${JOBS:-$'--model kdiffe --seed 0\n--model kdiffe --seed 0 --set optimized=False'}
mkdir -p "$OUT/r"
nvidia-smi --query-gpu=name,memory.total --format=csv
python3 -c "import torch, torch_geometric; print('torch', torch.__version__, 'pyg', torch_geometric.__version__, 'cuda', torch.cuda.is_available())"
i=0
while IFS= read -r job; do
  [ -z "$job" ] && continue; i=$((i+1))
  # shellcheck disable=SC2086
  # --budget-minutes: every run stops at an epoch boundary with its record written, before timeout would kill it
  timeout "$LIMIT" python3 -c "from kdiffe.cli import main; main()" train --dataset tiktok --data-dir "$DATA_DIR" --device cuda \
      --out "$OUT/r" --no-progress --threads 4 --budget-minutes "$(( (LIMIT - 60) / 60 ))" $job > "$OUT/job$i.log" 2>&1 &
done <<< "$JOBS"
wait
for f in "$OUT"/job*.log; do echo "== $f"; grep -v -i warn "$f" | tail -4; done
find "$OUT/r" -name '*.json' -exec cp {} "$OUT"/ \;
rm -rf "$OUT/r"
ls -la "$OUT"
