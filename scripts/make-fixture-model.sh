#!/usr/bin/env bash
# Recreates test/fixtures/models/memorized: a tiny model that has memorised test/fixtures/memorize, so the
# integration tests can expect exact suggestions ("function gre" -> "et"). Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
node dist/cli.js train --corpus test/fixtures/memorize --out test/fixtures/models/memorized --replace --steps 400 \
  --hidden 32 --min-context 16 --max-context 32 --target-chars 16 --batch 16 --lr 0.02 --eval-every 100 \
  --seed 1 --name memorized-fixture --backend wasm
rm -f test/fixtures/models/memorized/optimizer.*
