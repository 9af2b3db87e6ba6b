// Greedy decoding that records, at every step, the decoder's k likeliest next tokens: the decoder half of the
// encoder-state view. It makes exactly the choices of Decoder's greedy search (decode.ts), so its text and
// score are those of the greedy candidate.
import type { DecodeStepView } from '../../shared/encoderStateView';
import type { CopyPrior } from './copy';
import { primeDecoder, splitAtStop } from './decode';
import type { InferenceNet, NetState } from './inference';
import { Phase, StopAt, transitionTable } from './tokens';
import type { Vocabulary } from '../graph/vocab';

export interface TokenProbability {
  id: number;
  /** The character, or the special token's name (e.g. `<end>`). */
  token: string;
  prob: number;
}

/** A step as the panel shows it (the one shape, in shared/), with each candidate's vocabulary id kept. */
export interface DecodeStep extends DecodeStepView {
  /** The k likeliest next tokens over the whole vocabulary, most likely first. */
  top: TokenProbability[];
}

export interface DecodeTrace {
  /** What the decoder read before its first step: START, then the context's last characters (labels). */
  prime: string[];
  steps: DecodeStep[];
  /** The greedy suggestion, as Decoder returns it ('' when it is only blanks). */
  text: string;
  /** Natural-log probability of exactly that suggestion. */
  logProb: number;
  /** False when maxChars cut the token short. */
  complete: boolean;
}

export interface DecodeTraceOptions {
  maxChars: number;
  topK: number;
  stopAt: StopAt;
  /** The copy prior the decoder mixes in, as in Decoder.decode. */
  copy?: CopyPrior;
}

/** The display name of a token id: its character, or the special token's name. */
export function tokenLabel(vocab: Vocabulary, id: number): string {
  return id < vocab.chars.length ? vocab.charOf(id) : (vocab.specials[id - vocab.chars.length] ?? '?');
}

/** The k largest entries of logp as probabilities, largest first (ties by lower id). */
export function topProbabilities(logp: ArrayLike<number>, k: number, vocab: Vocabulary): TokenProbability[] {
  const ids = Array.from({ length: logp.length }, (_, i) => i);
  ids.sort((a, b) => (logp[b] as number) - (logp[a] as number) || a - b);
  return ids.slice(0, Math.max(0, k)).map((id) => ({ id, token: tokenLabel(vocab, id), prob: Math.exp(logp[id] as number) }));
}

/** Runs the greedy decoder from an encoder state (not modified) after its prime, and records each step's top-k. */
export function traceGreedyDecode(
  net: InferenceNet,
  vocab: Vocabulary,
  encoderState: NetState,
  prime: readonly number[],
  options: DecodeTraceOptions,
): DecodeTrace {
  const { next } = transitionTable(vocab, options.stopAt);
  const primed = primeDecoder(net, encoderState, prime); // a copy: the decoder advances it in place
  const state = primed.state;
  const ids: number[] = [];
  const steps: DecodeStep[] = [];
  let phase = Phase.Lead;
  let input = primed.input;
  let logProb = 0;
  let complete = true;
  for (;;) {
    const logp = net.logProbs(net.step('decoderLstm', [input], state), 1); // [vocab]
    const copied = options.copy ? options.copy.mixInto(logp, 0, vocab.decode(ids)) : { length: 0, weight: 0, from: [], files: [] };
    const row = next[phase] as Int8Array;
    const { stopMass, stopLogProb, bestId, best } = splitAtStop(logp, 0, row);
    const top = topProbabilities(logp, options.topK, vocab);
    const atLimit = ids.length >= options.maxChars;
    if (atLimit || bestId < 0 || stopLogProb >= best) {
      steps.push({ top, stopProb: stopMass, chosen: null, chosenProb: stopMass, copyMatch: copied.length, copyWeight: copied.weight, copyFrom: copied.from, copyFiles: copied.files });
      if (atLimit) complete = false;
      else logProb += stopLogProb;
      break;
    }
    steps.push({ top, stopProb: stopMass, chosen: vocab.charOf(bestId), chosenProb: Math.exp(best), copyMatch: copied.length, copyWeight: copied.weight, copyFrom: copied.from, copyFiles: copied.files });
    ids.push(bestId);
    logProb += best;
    phase = row[bestId] as Phase;
    input = bestId;
  }
  const text = phase === Phase.Lead ? '' : vocab.decode(ids);
  return { prime: prime.map((id) => tokenLabel(vocab, id)), steps, text, logProb, complete };
}
