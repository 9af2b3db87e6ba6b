// Turns the engine's explanation of a window into the plain-array view the panel draws: one layer per position,
// every layer for the final state, numbers rounded so that a view posted every 150 ms stays a few hundred kB.
import type { Explanation } from '../model/inference/engine';
import { EncoderStateView, MAX_TRACE_CHARS } from '../shared/encoderStateView';

/** Three decimals: finer than a colour step of the heatmap; rounding keeps [0, 1] and (-1, 1) values in range. */
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
/** Probabilities keep four significant digits, so small ones are not rounded to zero; float32 sums may pass 1. */
const precise = (x: number): number => Math.min(1, Math.max(0, Number(x.toPrecision(4))));
/** A finite log-probability: a JSON boundary turns -Infinity into null. */
const finiteLog = (x: number): number => (Number.isFinite(x) ? x : -1e9);

export function toEncoderStateView(e: Explanation, requestedLayer: number, engineMs: number): EncoderStateView {
  const { trace } = e;
  const from = Math.max(0, trace.tokens.length - MAX_TRACE_CHARS);
  const layers = trace.hidden[0]?.length ?? 1;
  const layer = Math.min(layers - 1, Math.max(0, Math.floor(requestedLayer)));
  // [position][layer][unit] -> [position][unit] of the chosen layer, last MAX_TRACE_CHARS positions
  const pick = (a: number[][][]): number[][] => a.slice(from).map((perLayer) => (perLayer[layer] ?? []).map(round3));
  const last = trace.tokens.length - 1;
  return {
    tokens: trace.tokens.slice(from),
    layer,
    layers,
    hiddenSize: trace.hidden[0]?.[0]?.length ?? 0,
    hidden: pick(trace.hidden),
    cell: pick(trace.cell),
    inputGate: pick(trace.inputGate),
    forgetGate: pick(trace.forgetGate),
    outputGate: pick(trace.outputGate),
    finalHidden: (trace.hidden[last] ?? []).map((units) => units.map(round3)),
    finalCell: (trace.cell[last] ?? []).map((units) => units.map(round3)),
    greedy: {
      prime: e.greedy.prime,
      steps: e.greedy.steps.map((s) => ({
        top: s.top.map((t) => ({ token: t.token, prob: precise(t.prob) })),
        stopProb: precise(s.stopProb),
        chosen: s.chosen,
        chosenProb: precise(s.chosenProb),
        copyMatch: s.copyMatch,
        copyWeight: precise(s.copyWeight),
        copyFrom: s.copyFrom,
        copyFiles: s.copyFiles,
      })),
      text: e.greedy.text,
      logProb: finiteLog(e.greedy.logProb),
      complete: e.greedy.complete,
    },
    candidates: e.candidates.map((c) => ({ text: c.text, logProb: finiteLog(c.logProb), confidence: precise(c.confidence), ...(c.word ? { word: true } : {}) })),
    engineMs,
  };
}
