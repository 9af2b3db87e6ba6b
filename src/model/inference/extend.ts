// Suggestions longer than one token: after the beam has chosen the current token, the decoder goes on greedily
// to the end of the line, token by token, and the suggestion keeps each next token only while the model gives it
// at least a calibrated probability (`eval` reports precision and keystroke savings against that threshold). It
// crosses the end of the line only with seq2seq.multiline, and then only when the model is sure of the whole next
// line (nextLine, NEXT_LINE_THRESHOLD).
import type { CopyPrior } from './copy';
import { primeDecoder, splitAtStop } from './decode';
import type { InferenceNet, NetState } from './inference';
import { advance, Phase, STOP, transitionTable, TransitionTable } from './tokens';
import type { Vocabulary } from '../graph/vocab';

/** One token after the suggestion's first: its text (leading blanks included) and how sure the model was of it. */
export interface NextToken {
  text: string;
  /** The probability of the token's characters together (their product). */
  prob: number;
  /** The probability of its least likely character: a long copied name is not penalised for its length. */
  minCharProb: number;
  /** The shortest earlier text the copy prior matched over the token's characters (0: some character had none). */
  copyMatch: number;
  /** The LSTM's own probability (before copying) of the token's least likely character. */
  lstmMinProb: number;
  /** The least share of the copy prior's votes that a character of the token had (0 where nothing was copied). */
  copyMinShare: number;
  /** With a fitted calibrator (extendCalibration): its probability that this token is right. */
  calibrated?: number;
}

/** The line after the suggestion's, decoded greedily: its text (no newline) and the probability of all of it. */
export interface NextLine {
  text: string;
  /** The newline, every character of the line, and the line ending there: their product. */
  prob: number;
}

/** What follows the suggestion's first token: the rest of its line, token by token, and (when asked) the next line. */
export interface Continuation {
  tokens: NextToken[];
  /** null when not asked, when the line does not end within the character budget, or when the next line is blank. */
  nextLine: NextLine | null;
}

/**
 * With seq2seq.multiline, a suggestion that reaches the end of its line takes the next line too when the model gives
 * the whole of it at least this (docs/figures.md: the precision of next lines at each threshold).
 */
export const NEXT_LINE_THRESHOLD = 0.5;

/** Which of a token's figures the threshold applies to. */
export type ExtendRule = 'product' | 'min' | 'calibrated';

/** The calibrator's inputs for a token: index is its place after the first token (0 for the next one). */
export function extendFeatures(t: NextToken, index: number): number[] {
  const floor = 1e-6;
  return [
    1,
    Math.log(Math.max(t.prob, floor)),
    Math.log(Math.max(t.minCharProb, floor)),
    Math.min(t.copyMatch, 32) / 32,
    t.copyMatch > 0 ? 1 : 0,
    /[A-Za-z0-9_$]/.test(t.text.trim()[0] ?? '') ? 1 : 0,
    Math.min(index, 8) / 8,
    Math.log(Math.max(t.lstmMinProb, floor)),
    t.copyMinShare,
  ];
}

/** The calibrator's probability that a token is right: logistic regression on extendFeatures. */
export function calibratedProb(weights: readonly number[], t: NextToken, index: number): number {
  const x = extendFeatures(t, index);
  let z = 0;
  for (let i = 0; i < x.length; i++) z += (weights[i] ?? 0) * (x[i] as number);
  return 1 / (1 + Math.exp(-z));
}

/**
 * The default: a further token is kept while its probability is at least this. Chosen from `eval`'s curve on
 * held-out projects (docs/figures.md): the keystroke savings it buys at the precision the product promises.
 */
export const EXTEND_THRESHOLD = 0.8;
export const EXTEND_RULE: ExtendRule = 'product';
/** With a fitted calibrator: a next token is kept while its calibrated probability reaches this (docs/figures.md). */
export const CALIBRATED_EXTEND_THRESHOLD = 0.8;

/**
 * The tokens of `tokens` kept under `threshold`: the longest run from the start whose every token reaches it. With
 * the calibrator, the threshold applies to the probability that the whole run is right (the product of the
 * calibrated probabilities), so it bounds what the extension may cost in precision.
 */
export function keptExtension(tokens: readonly NextToken[], threshold: number, rule: ExtendRule = EXTEND_RULE): string {
  let text = '';
  let joint = 1;
  for (const t of tokens) {
    if (rule === 'calibrated') joint *= t.calibrated ?? 0;
    const sure = rule === 'min' ? t.minCharProb : rule === 'calibrated' ? joint : t.prob;
    if (sure < threshold) break;
    text += t.text;
  }
  return text;
}

/**
 * The next line a suggestion takes (multiline): only after the whole rest of its line was kept (`kept` is all of
 * `tokens`), and only when the model gives the whole next line at least `threshold`; null otherwise.
 */
export function keptNextLine(tokens: readonly NextToken[], kept: string, nextLine: NextLine | null | undefined, threshold: number): NextLine | null {
  const toLineEnd = kept.length === tokens.reduce((n, t) => n + t.text.length, 0);
  return toLineEnd && nextLine && nextLine.prob >= threshold ? nextLine : null;
}

export class LineExtender {
  private readonly table: TransitionTable;

  constructor(private readonly net: InferenceNet, private readonly vocab: Vocabulary) {
    this.table = transitionTable(vocab, 'line');
  }

  /**
   * The greedy continuation of `first` (the suggestion chosen so far) to the end of the line, split into tokens
   * with their probabilities; at most `maxChars` characters, the last token dropped if the limit cuts it. With
   * `nextLineChars` > 0, the line after it too, of at most that many characters. The encoder state is not modified.
   */
  continuation(encoderState: NetState, prime: readonly number[], first: string, maxChars: number, copy?: CopyPrior, nextLineChars = 0): Continuation {
    if (maxChars <= 0) return { tokens: [], nextLine: null };
    const primed = primeDecoder(this.net, encoderState, prime);
    const state = primed.state;
    let input = primed.input;
    // Teacher-force the first token: the decoder's state after it is where the continuation starts.
    for (const ch of first) {
      this.net.step('decoderLstm', [input], state);
      input = this.vocab.idOf(ch);
    }
    const row = this.table.next[Phase.Lead] as Int8Array; // in line mode only the newline and END stop
    const tokens: NextToken[] = [];
    let generated = first;
    let token = '';
    let prob = 1;
    let minCharProb = 1;
    let copyMatch = Infinity;
    let lstmMinProb = 1;
    let copyMinShare = 1;
    let phase = Phase.Lead;
    for (let k = 0; k < maxChars; k++) {
      const logp = this.net.logProbs(this.net.step('decoderLstm', [input], state), 1);
      const lstm = copy ? logp.slice() : logp; // the LSTM's own distribution, before copying mixes in
      const copied = copy?.mixInto(logp, 0, generated);
      const { stopLogProb, bestId, best } = splitAtStop(logp, 0, row);
      if (bestId < 0 || stopLogProb >= best) {
        // The line ends here: the token in progress is complete.
        if (token) tokens.push({ text: token, prob, minCharProb, copyMatch, lstmMinProb, copyMinShare });
        return { tokens, nextLine: nextLineChars > 0 ? this.nextLine(state, logp, generated, nextLineChars, copy) : null };
      }
      const ch = this.vocab.charOf(bestId);
      // A change of character class closes the token in progress (blanks lead the next one, as in tokens.ts).
      const next = advance(phase, ch, 'token');
      if (next === STOP) {
        tokens.push({ text: token, prob, minCharProb, copyMatch, lstmMinProb, copyMinShare });
        token = '';
        prob = 1;
        minCharProb = 1;
        copyMatch = Infinity;
        lstmMinProb = 1;
        copyMinShare = 1;
        phase = advance(Phase.Lead, ch, 'token') as Phase;
      } else {
        phase = next;
      }
      token += ch;
      prob *= Math.exp(best);
      minCharProb = Math.min(minCharProb, Math.exp(best));
      copyMatch = Math.min(copyMatch, copied?.length ?? 0);
      // p = (1 - w) p_lstm + w p_copy, so the copy's share of the chosen character is (p - (1 - w) p_lstm) / w.
      const pLstm = Math.exp(lstm[bestId] as number);
      lstmMinProb = Math.min(lstmMinProb, pLstm);
      const w = copied?.weight ?? 0;
      copyMinShare = Math.min(copyMinShare, w > 0 ? Math.max(0, (Math.exp(best) - (1 - w) * pLstm) / w) : 0);
      generated += ch;
      input = bestId;
    }
    return { tokens, nextLine: null }; // the limit cut the last token: it is not offered
  }

  /**
   * The line after `generated`, whose end the decoder has just predicted (`logp`: its distribution there): the
   * newline is read, then the line is decoded greedily to its own end; null if it is longer than `budget`
   * characters, or blank. `state` is the decoder's and is advanced.
   */
  private nextLine(state: NetState, logp: Float32Array, generated: string, budget: number, copy?: CopyPrior): NextLine | null {
    const newline = this.vocab.idOf('\n');
    let prob = Math.exp(logp[newline] as number);
    let input = newline;
    let text = '';
    generated += '\n';
    const row = this.table.next[Phase.Lead] as Int8Array;
    for (let k = 0; k <= budget; k++) {
      const next = this.net.logProbs(this.net.step('decoderLstm', [input], state), 1);
      copy?.mixInto(next, 0, generated);
      const { stopLogProb, bestId, best } = splitAtStop(next, 0, row);
      if (bestId < 0 || stopLogProb >= best) return text.trim() === '' ? null : { text, prob: prob * Math.exp(stopLogProb) };
      prob *= Math.exp(best);
      const ch = this.vocab.charOf(bestId);
      text += ch;
      generated += ch;
      input = bestId;
    }
    return null;
  }
}
