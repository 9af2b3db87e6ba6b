// The encoder-state panel's view of the encoder: its state and gates after each of the window's last characters,
// read step by step on a fresh state (never through the cache, which keeps only final states).
import type { Vocabulary } from '../graph/vocab';
import { tokenLabel } from './decodeTrace';
import type { InferenceNet } from './inference';

/** Per character of the window: what the encoder held after reading it (layer by layer). */
export interface EncoderTrace {
  tokens: string[];
  hidden: number[][][]; // [position][layer][unit]
  cell: number[][][];
  inputGate: number[][][];
  forgetGate: number[][][];
  outputGate: number[][][];
}

/** The encoder's state and gates over the last `maxChars` of `tokens`. */
export function traceEncoder(net: InferenceNet, vocab: Vocabulary, tokens: number[], maxChars: number): EncoderTrace {
  const from = Math.max(0, tokens.length - maxChars);
  const trace: EncoderTrace = { tokens: [], hidden: [], cell: [], inputGate: [], forgetGate: [], outputGate: [] };
  const state = net.zeroState(1);
  tokens.forEach((id, p) => {
    const gates = { input: [], forget: [], output: [] } as { input: Float32Array[]; forget: Float32Array[]; output: Float32Array[] };
    net.step('encoderLstm', [id], state, p >= from ? gates : undefined);
    if (p < from) return;
    trace.tokens.push(tokenLabel(vocab, id));
    trace.hidden.push(state.h.map((a) => Array.from(a)));
    trace.cell.push(state.c.map((a) => Array.from(a)));
    trace.inputGate.push(gates.input.map((a) => Array.from(a)));
    trace.forgetGate.push(gates.forget.map((a) => Array.from(a)));
    trace.outputGate.push(gates.output.map((a) => Array.from(a)));
  });
  return trace;
}
