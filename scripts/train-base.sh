#!/usr/bin/env bash
# Trains the base model, or resumes it: from .cache/train/base when this machine has that checkpoint (with its
# optimiser state), else from the committed models/base (weights, step and best validation loss; Adam restarts).
# Meant for the background: `nohup bash scripts/train-base.sh > .cache/train/base.log 2>&1 &`. MINUTES sets the budget,
# LR the learning rate (the trainer's default when unset), LR_END the rate it anneals to along a half cosine over the
# budget (constant when unset), WORKERS the threads (default: cores - 1).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
node scripts/corpus.mjs
checkpoint=.cache/train/base
if [ ! -f "$checkpoint/model.json" ] && [ -f models/base/model.json ]; then
  mkdir -p "$checkpoint"
  cp models/base/model.json models/base/weights.bin models/base/metadata.json "$checkpoint/"
fi
exec node dist/cli.js train --corpus .cache/corpus/train --out "$checkpoint" --resume --minutes "${MINUTES:-165}" \
  --eval-every 50 --decoder-prime 16 ${LR:+--lr "$LR"} ${LR_END:+--lr-end "$LR_END"} ${WORKERS:+--workers "$WORKERS"}
