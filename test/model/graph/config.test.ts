import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MODEL_CONFIG, ModelConfig, validateModelConfig } from '../../../src/model/graph/config';

const table = Array.from({ length: 33 }, (_, l) => (l < 3 ? 0 : l / (l + 4)));

test('copy weights per source and the length calibrator are checked like the rest of the config', () => {
  validateModelConfig({ ...DEFAULT_MODEL_CONFIG, copySourceWeights: { files: table }, extendCalibration: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
  const bad = (patch: Record<string, unknown>, message: RegExp): void =>
    assert.throws(() => validateModelConfig({ ...DEFAULT_MODEL_CONFIG, ...patch } as ModelConfig), message);
  bad({ copySourceWeights: { sideways: table } }, /unknown source "sideways"/);
  bad({ copySourceWeights: { files: table.slice(1) } }, /copySourceWeights.files must hold 33 numbers/);
  bad({ copySourceWeights: [table] }, /copySourceWeights must be an object/);
  bad({ extendCalibration: [1, 2, 3] }, /extendCalibration must hold 9 finite numbers/);
  bad({ extendCalibration: [1, 2, 3, 4, 5, 6, 7, 8, Infinity] }, /extendCalibration must hold 9 finite numbers/);
});
