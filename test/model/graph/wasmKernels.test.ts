import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../../src/model/graph/rng';
import { tf, Tensor, Tensor2D } from '../../../src/model/graph/tf';
import { initBackend } from '../../../src/node/backend';

// The replacement kernels must agree with plain JavaScript arithmetic; they only change the speed.
let backend = '';
before(async () => {
  backend = (await initBackend('wasm')).name;
});

function random(rows: number, cols: number, seed: number): { t: Tensor2D; v: number[][] } {
  const rng = new Rng(seed);
  const v = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-1, 1)));
  return { t: tf.tensor2d(v), v };
}

const matmul = (a: number[][], b: number[][]): number[][] =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
const transpose = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((row) => row[j]!));

function assertClose(got: number[][], want: number[][]): void {
  assert.equal(got.length, want.length);
  got.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(x - want[i]![j]!) < 1e-4, `[${i}, ${j}] ${x} vs ${want[i]![j]}`)));
}

test('runs on the wasm backend', () => {
  assert.equal(backend, 'wasm');
});

test('matMul with transposed operands (and the cached transposed weight) is exact', () => {
  const a = random(5, 7, 1);
  const b = random(5, 3, 2);
  const w = random(3, 7, 3);
  for (let rep = 0; rep < 3; rep++) {
    assertClose(tf.matMul(a.t, b.t, true, false).arraySync() as number[][], matmul(transpose(a.v), b.v));
    assertClose(tf.matMul(a.t, w.t, false, true).arraySync() as number[][], matmul(a.v, transpose(w.v)));
    const c = random(4, 5, 7);
    assertClose(tf.matMul(b.t, c.t, true, true).arraySync() as number[][], matmul(transpose(b.v), transpose(c.v)));
  }
});

test('slice and split copy the right boxes, contiguous or not', () => {
  const x = random(6, 8, 4);
  assertClose(tf.slice(x.t, [1, 2], [3, 4]).arraySync() as number[][], x.v.slice(1, 4).map((r) => r.slice(2, 6)));
  assertClose(tf.slice(x.t, [2, 0], [3, 8]).arraySync() as number[][], x.v.slice(2, 5));
  const [left, right] = tf.split(x.t, [3, 5], 1);
  assertClose(left!.arraySync() as number[][], x.v.map((r) => r.slice(0, 3)));
  assertClose(right!.arraySync() as number[][], x.v.map((r) => r.slice(3)));
  const parts = tf.split(x.t, 3, 0);
  parts.forEach((p, k) => assertClose(p.arraySync() as number[][], x.v.slice(2 * k, 2 * k + 2)));
  const cube = tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
  assert.deepEqual(tf.slice(cube, [1, 1, 1], [1, 2, 2]).arraySync(), [[[17, 18], [21, 22]]]);
});

test('identity shares its buffer and disposing either side keeps the other valid', () => {
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  y.dispose();
});

test('gradients through concat and matMul match finite differences', () => {
  const x = random(2, 3, 5);
  const w = random(5, 4, 6);
  const f = (xv: Tensor): Tensor => tf.sum(tf.square(tf.matMul(tf.concat([xv as Tensor2D, tf.ones([2, 2]) as Tensor2D], 1), w.t)));
  const g = tf.grad(f)(x.t).arraySync() as number[][];
  const eps = 1e-2;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      const plus = x.v.map((r) => [...r]);
      const minus = x.v.map((r) => [...r]);
      plus[i]![j]! += eps;
      minus[i]![j]! -= eps;
      const numeric = ((f(tf.tensor2d(plus)).dataSync()[0] as number) - (f(tf.tensor2d(minus)).dataSync()[0] as number)) / (2 * eps);
      assert.ok(Math.abs(numeric - g[i]![j]!) < 1e-2 * Math.max(1, Math.abs(numeric)), `${numeric} vs ${g[i]![j]}`);
    }
  }
});

test('the gradient of an embedding lookup (UnsortedSegmentSum) sums the rows of repeated ids', () => {
  const params = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const ids = tf.tensor1d([0, 2, 0, 0], 'int32');
  const upstream = tf.tensor2d([[1, 0], [0, 1], [2, 2], [1, 1]]);
  const g = tf.grad((p: Tensor) => tf.sum(tf.mul(tf.gather(p, ids), upstream)))(params);
  assert.deepEqual(g.arraySync(), [[4, 3], [0, 0], [0, 1]]);
});
