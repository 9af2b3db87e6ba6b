// What the fitting commands share (src/cli/replay/fitting.ts): their options, curve and report lines.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { curveLine, curveOf, readFitProjects, splitsLine, treeOptionsOf } from '../../src/cli/replay/fitting';
import { DEFAULT_TREE_OPTIONS } from '../../src/model/evaluation/showFit';

test('--curve gives thresholds from 0 to 1, else the command its own', () => {
  assert.deepEqual(curveOf({ curve: '0.4,0.5' }, [0.3]), [0.4, 0.5]);
  assert.deepEqual(curveOf({}, [0.3]), [0.3]);
  assert.throws(() => curveOf({ curve: '0.4,x' }, []), /thresholds from 0 to 1/);
  assert.throws(() => curveOf({ curve: '1.5' }, []), /thresholds from 0 to 1/);
});

test('tree options come from --trees, --depth and --rate over the defaults', () => {
  assert.deepEqual(treeOptionsOf({}), DEFAULT_TREE_OPTIONS);
  assert.deepEqual(treeOptionsOf({ trees: '5', depth: '2', rate: '0.1' }), { ...DEFAULT_TREE_OPTIONS, trees: 5, depth: 2, rate: 0.1 });
});

test('the report lines: splits per named feature, and a curve point per 100 characters', () => {
  const model = { base: 0, trees: [[[1, 0.5, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]], [[1, 0.2, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]]] as [number, number, number, number][][] };
  assert.equal(splitsLine(model, ['a', 'b', 'c']), 'splits per feature: a 0, b 2, c 0');
  assert.equal(curveLine('x', 0.5, { chars: 200, keys: 150, shown: 10, taken: 4, wrong: 3, words: 0 }), 'x >= 0.5: keystroke savings 25.0 %, wrong 1.50 / 100 chars, shown 5.00, taken 2.00');
});

test('fit projects: one per folder, a folder without source named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seq2seq-fit-'));
  try {
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'a.ts'), 'export const a = 1;\n');
    mkdirSync(join(dir, 'empty'));
    assert.deepEqual((await readFitProjects([join(dir, 'p')])).map((p) => [p.name, p.files.length]), [['p', 1]]);
    await assert.rejects(readFitProjects([join(dir, 'empty')]), /no usable source files under .*empty/);
    await assert.rejects(readFitProjects([]), /--corpus is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
