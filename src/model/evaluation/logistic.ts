// Logistic regression by Newton's method with a small ridge, for the calibrator that says how likely a next token
// is right (the extension, lengthFit.ts); the examples' shape and their log-loss are shared with the show model's
// fitter (showFit.ts).

export interface Example {
  x: number[];
  right: boolean;
}

export interface LogisticFit {
  weights: number[];
  examples: number;
  /** Mean log-loss (bits) of the base rate and of the fitted model on the examples. */
  bits: { baseRate: number; fitted: number };
}

/** Fits weights for x (whose first feature is the bias, 1); the ridge keeps a rare feature from running away. */
export function fitLogistic(examples: readonly Example[], d: number, iterations = 30, ridge = 1e-2): LogisticFit {
  const w = new Array<number>(d).fill(0);
  const rate = examples.length ? examples.filter((e) => e.right).length / examples.length : 0.5;
  w[0] = Math.log(Math.max(rate, 1e-3) / Math.max(1 - rate, 1e-3));
  const p = (x: readonly number[]): number => 1 / (1 + Math.exp(-x.reduce((z, v, i) => z + v * (w[i] as number), 0)));
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? ridge : 0)));
    for (const e of examples) {
      const q = p(e.x);
      const r = q - (e.right ? 1 : 0);
      for (let i = 0; i < d; i++) {
        grad[i] = (grad[i] as number) + r * (e.x[i] as number);
        for (let j = 0; j < d; j++) (hess[i] as number[])[j] = ((hess[i] as number[])[j] as number) + q * (1 - q) * (e.x[i] as number) * (e.x[j] as number);
      }
    }
    for (let i = 0; i < d; i++) grad[i] = (grad[i] as number) + ridge * (w[i] as number);
    const step = solve(hess, grad);
    for (let i = 0; i < d; i++) w[i] = (w[i] as number) - (step[i] as number);
  }
  return {
    weights: w.map((v) => Number(v.toFixed(5))),
    examples: examples.length,
    bits: { baseRate: logLossBits(examples, () => rate), fitted: logLossBits(examples, (i) => p((examples[i] as Example).x)) },
  };
}

/** Mean log-loss in bits of the probabilities `prob(i)` that example i is right; NaN without examples. */
export function logLossBits(examples: readonly Example[], prob: (i: number) => number): number {
  if (examples.length === 0) return NaN;
  return -examples.reduce((s, e, i) => s + Math.log2(Math.max(1e-12, e.right ? prob(i) : 1 - prob(i))), 0) / examples.length;
}

/** Solves a x = b for a small symmetric positive definite a (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number)) pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const head = m[c] as number[];
    if (Math.abs(head[c] as number) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] as number[];
      const f = (row[c] as number) / (head[c] as number);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (head[k] as number);
    }
  }
  return m.map((row, i) => (Math.abs(row[i] as number) < 1e-12 ? 0 : (row[n] as number) / (row[i] as number)));
}
