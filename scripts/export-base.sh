#!/usr/bin/env bash
# Copies the best base-model checkpoint (without its optimiser state) into models/base, which ships in the VSIX.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-.cache/train/base}
mkdir -p models/base
cp "$src/model.json" "$src/weights.bin" "$src/metadata.json" models/base/
node -e 'const m=require("./models/base/metadata.json");console.log(`exported ${m.name} step ${m.training.step}, validation ${(m.training.bestValidationLoss/Math.LN2).toFixed(3)} bpc`)'
