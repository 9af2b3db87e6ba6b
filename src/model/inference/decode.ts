// Greedy and beam decoding from an encoder state. A candidate's score is the log-probability that the
// suggestion is exactly its text: the characters' log-probabilities plus that of ending right there.
import type { CopyPrior } from './copy';
import { gatherState, InferenceNet, NetState } from './inference';
import { Phase, STOP, StopAt, TransitionTable, transitionTable } from './tokens';
import type { Vocabulary } from '../graph/vocab';

export interface DecodeOptions {
  /** 1 is greedy; k > 1 keeps k hypotheses and also returns the greedy one, so it is never worse. */
  beamWidth: number;
  maxChars: number;
  stopAt: StopAt;
}

export interface Candidate {
  text: string;
  /** Natural-log probability of exactly this suggestion. */
  logProb: number;
  /**
   * The probability that this is the continuation: exp(logProb), or where the model has a show model (show.ts) its
   * estimate that the suggestion is exactly right. The confidence threshold applies to it.
   */
  confidence: number;
  /** False when maxChars cut the token short. */
  complete: boolean;
  /** True for the document's word (words.ts), which the engine added to the beam's candidates. */
  word?: boolean;
}

/** Filled by a decode: the LSTM's own log-probabilities at the first step, before the copy prior mixed in. */
export interface FirstStep {
  lstm?: Float32Array;
  /** The same step's distribution after the copy prior mixed in (what the first character is chosen from). */
  mixed?: Float32Array;
}

/** The decoder after reading all of its prime but the last id, which is the input of the first prediction. */
export interface PrimedDecoder {
  state: NetState;
  input: number;
}

/** Runs the decoder over prime[0..n-2] from a copy of the encoder state (which is not modified). */
export function primeDecoder(net: InferenceNet, encoderState: NetState, prime: readonly number[]): PrimedDecoder {
  if (prime.length === 0) throw new Error('the decoder prime must hold at least START');
  const state = gatherState(encoderState, [0], net.hidden);
  for (let i = 0; i < prime.length - 1; i++) net.step('decoderLstm', [prime[i] as number], state);
  return { state, input: prime[prime.length - 1] as number };
}

/** One step's choice between ending and going on: the mass of the ids that end the suggestion, the likeliest other. */
export interface StopSplit {
  stopMass: number;
  /** log(stopMass), floored so that a zero mass still compares. */
  stopLogProb: number;
  /** The likeliest id that continues the suggestion, -1 if none does. */
  bestId: number;
  best: number;
}

/** Splits the log-probabilities logp[offset .. offset + row.length) by the phase's transition row. */
export function splitAtStop(logp: ArrayLike<number>, offset: number, row: Int8Array): StopSplit {
  let stopMass = 0;
  let bestId = -1;
  let best = -Infinity;
  for (let id = 0; id < row.length; id++) {
    const lp = logp[offset + id] as number;
    if (row[id] === STOP) stopMass += Math.exp(lp);
    else if (lp > best) {
      best = lp;
      bestId = id;
    }
  }
  return { stopMass, stopLogProb: Math.log(Math.max(stopMass, 1e-30)), bestId, best };
}

interface Hypothesis {
  ids: number[];
  phase: Phase;
  logProb: number;
}

export class Decoder {
  private readonly tables = new Map<StopAt, TransitionTable>();

  constructor(private readonly net: InferenceNet, private readonly vocab: Vocabulary) {}

  private table(stopAt: StopAt): TransitionTable {
    let t = this.tables.get(stopAt);
    if (!t) this.tables.set(stopAt, (t = transitionTable(this.vocab, stopAt)));
    return t;
  }

  /**
   * Ranked candidates, best first. `prime` is what the decoder reads before predicting (START, then the context's
   * last characters; see decoderPrime). With a copy prior, every step's distribution is mixed with what followed
   * earlier occurrences of the text so far (see copy.ts). The encoder state is not modified.
   */
  decode(encoderState: NetState, prime: readonly number[], options: DecodeOptions, copy?: CopyPrior, firstStep?: FirstStep, start = primeDecoder(this.net, encoderState, prime)): Candidate[] {
    const greedy = this.search(start, 1, options, copy, firstStep);
    if (options.beamWidth <= 1) return greedy;
    const merged = new Map<string, Candidate>();
    for (const c of [...greedy, ...this.search(start, options.beamWidth, options, copy)]) {
      const seen = merged.get(c.text);
      if (!seen || seen.logProb < c.logProb) merged.set(c.text, c);
    }
    return [...merged.values()].sort((a, b) => b.logProb - a.logProb).slice(0, options.beamWidth);
  }

  /**
   * The log-probability of exactly each text as a candidate (each of its characters, then an end), the copy prior
   * mixed in as the search mixes it: the decoder's own score of candidates found elsewhere (the document's words,
   * words.ts), all texts read side by side in one batch. -Infinity for a text that cannot be a candidate under
   * `stopAt` (it ends before its last character); a text whose score falls below `floor` stops being read there
   * and keeps that partial score. `start` (from primeDecoder) is not modified, so one priming serves the beam too.
   */
  score(start: PrimedDecoder, texts: readonly string[], stopAt: StopAt, copy?: CopyPrior, floor = -Infinity): number[] {
    const { next } = this.table(stopAt);
    const V = this.vocab.size;
    const ids = texts.map((t) => this.vocab.encode(t));
    const scores = texts.map(() => 0);
    const phases = texts.map(() => Phase.Lead);
    /** The text each row of the batch reads. */
    let rows = texts.map((_, t) => t);
    let state = gatherState(start.state, rows.map(() => 0), this.net.hidden);
    let inputs = rows.map(() => start.input);
    for (let k = 0; rows.length > 0; k++) {
      const logp = this.net.logProbs(this.net.step('decoderLstm', inputs, state), rows.length);
      const kept: number[] = [];
      rows.forEach((t, r) => {
        const text = ids[t] as number[];
        if (copy) copy.mixInto(logp, r * V, this.vocab.decode(text.slice(0, k)));
        const row = next[phases[t] as Phase] as Int8Array;
        if (k === text.length) {
          scores[t] = (scores[t] as number) + splitAtStop(logp, r * V, row).stopLogProb;
          return;
        }
        const id = text[k] as number;
        if (row[id] === STOP) {
          scores[t] = -Infinity;
          return;
        }
        scores[t] = (scores[t] as number) + (logp[r * V + id] as number);
        phases[t] = row[id] as Phase;
        if ((scores[t] as number) >= floor) kept.push(r);
      });
      if (kept.length === 0) break;
      state = gatherState(state, kept, this.net.hidden);
      inputs = kept.map((r) => (ids[rows[r] as number] as number[])[k] as number);
      rows = kept.map((r) => rows[r] as number);
    }
    return scores;
  }

  private search(start: PrimedDecoder, width: number, options: DecodeOptions, copy?: CopyPrior, firstStep?: FirstStep): Candidate[] {
    const { next } = this.table(options.stopAt);
    const V = this.vocab.size;
    const finished: Candidate[] = [];
    let live: Hypothesis[] = [{ ids: [], phase: Phase.Lead, logProb: 0 }];
    let state = gatherState(start.state, [0], this.net.hidden);
    let inputs = [start.input];
    const worstKept = (): number =>
      finished.length < width ? -Infinity : [...finished].sort((a, b) => b.logProb - a.logProb)[width - 1]!.logProb;

    for (let step = 0; step <= options.maxChars && live.length > 0; step++) {
      const hTop = this.net.step('decoderLstm', inputs, state);
      const logp = this.net.logProbs(hTop, live.length);
      if (step === 0 && firstStep) firstStep.lstm = logp.slice(0, V);
      if (copy) live.forEach((hyp, r) => copy.mixInto(logp, r * V, this.vocab.decode(hyp.ids)));
      if (step === 0 && firstStep) firstStep.mixed = logp.slice(0, V);
      const extensions: { parent: number; id: number; logProb: number; phase: Phase }[] = [];
      live.forEach((hyp, r) => {
        const row = next[hyp.phase] as Int8Array;
        const { stopLogProb, bestId, best } = splitAtStop(logp, r * V, row);
        const atLimit = hyp.ids.length >= options.maxChars;
        if (width === 1) {
          // Greedy over actions: end here, or take the likeliest character that continues.
          if (atLimit || bestId < 0 || stopLogProb >= best) {
            finished.push(this.candidate(hyp, atLimit ? hyp.logProb : hyp.logProb + stopLogProb, !atLimit));
          } else {
            extensions.push({ parent: r, id: bestId, logProb: hyp.logProb + best, phase: row[bestId] as Phase });
          }
          return;
        }
        finished.push(this.candidate(hyp, atLimit ? hyp.logProb : hyp.logProb + stopLogProb, !atLimit));
        if (atLimit) return;
        for (let id = 0; id < V; id++) {
          if (row[id] === STOP) continue;
          extensions.push({ parent: r, id, logProb: hyp.logProb + (logp[r * V + id] as number), phase: row[id] as Phase });
        }
      });
      // Scores only fall as text grows, so a hypothesis below the width-th finished one can never win.
      const floor = worstKept();
      const kept = extensions
        .filter((e) => e.logProb > floor)
        .sort((a, b) => b.logProb - a.logProb)
        .slice(0, width);
      live = kept.map((e) => ({ ids: [...(live[e.parent] as Hypothesis).ids, e.id], phase: e.phase, logProb: e.logProb }));
      if (live.length === 0) break;
      state = gatherState(state, kept.map((e) => e.parent), this.net.hidden);
      inputs = kept.map((e) => e.id);
    }
    return finished.sort((a, b) => b.logProb - a.logProb).slice(0, width);
  }

  private candidate(hyp: Hypothesis, logProb: number, complete: boolean): Candidate {
    let text = this.vocab.decode(hyp.ids);
    if (hyp.phase === Phase.Lead) text = ''; // only blanks so far: nothing worth showing
    return { text, logProb, confidence: Math.exp(logProb), complete };
  }
}
