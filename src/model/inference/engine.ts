// The completion engine: text before the cursor in, ranked suggestions out. Owns the inference weights,
// the encoder-state cache and the decoder for one loaded model.
import { COPY_AFTER_CHARS, COPY_CONTEXT_CHARS, cutRequest, DECODE_DEFAULTS, normaliseLineEnds } from '../../shared/window';
import { ContextWindow, decoderPrime, encoderTokens } from '../graph/context';
import { CopyPrior, CopySource, CopyWeights, MatchIndex } from './copy';
import { ContextFiles } from './contextFiles';
import { DocumentIndexes } from './documentIndex';
import { Candidate, DecodeOptions, Decoder, FirstStep, PrimedDecoder, primeDecoder } from './decode';
import { DecodeTrace, traceGreedyDecode } from './decodeTrace';
import { EncoderTrace, traceEncoder } from './encoderTrace';
import { WindowPlanner } from './windowPlanner';

import { EncoderCache } from './encoderCache';
import { CALIBRATED_EXTEND_THRESHOLD, calibratedProb, EXTEND_RULE, EXTEND_THRESHOLD, ExtendRule, keptExtension, keptNextLine, LineExtender, NEXT_LINE_THRESHOLD, NextLine, NextToken } from './extend';
import type { SuggestionLength } from '../../shared/window';
import { InferenceNet, NetState } from './inference';
import { ShowInputs, showFeatures, showProbability, TunedShow, tunedProbability } from './show';
import { documentWords, WORD_LOG_PROB_FLOOR, WordGuess, WordInputs, wordFeatures, wordProbabilityBound, wordScoreFloor } from './words';
import { familyOfLanguageId } from '../../shared/language';
import type { Seq2SeqModel } from '../graph/seq2seq';
import type { StopAt } from './tokens';
import { Vocabulary } from '../graph/vocab';

export interface SuggestRequest {
  /**
   * Text before the cursor: the whole file's, or (with `window`) a cut of the document that ends at the cursor.
   * The encoder reads its window; the copy prior searches its last COPY_CONTEXT_CHARS.
   */
  prefix: string;
  /** Where the caller cut the encoder window in `prefix` (shared/window.ts); by default `prefix` starts the file. */
  window?: { start: number; atFileStart: boolean };
  /** VS Code language id or family name; picks the language marker. */
  language?: string;
  beamWidth?: number;
  maxChars?: number;
  stopAt?: StopAt;
  /** The document below the cursor's line (textBelow in src/shared/window.ts): suggestions may copy from it too. */
  below?: string;
  /** The document's path or URI: its own (older) text among the other files is not searched twice. */
  path?: string;
  /** false: do not copy from the other files (the engine's context) for this request. */
  files?: boolean;
  /**
   * 'token' ends the best suggestion at the end of the current token; 'auto' goes on, token by token, while each
   * next token has at least `extendThreshold` probability (extend.ts), never past the end of the line.
   */
  length?: SuggestionLength;
  /**
   * 'short' (the default): a cold request (COLD_STEPS) reads a short window first, so a jump costs about half the
   * encoder steps, and the full window is read in idle time; 'full' always reads the full window (`eval`'s figures).
   */
  coldWindow?: ColdWindow;
  extendThreshold?: number;
  extendRule?: ExtendRule;
  /**
   * With length 'auto': a suggestion that reaches the end of its line (or a cursor where the line ends) goes on to
   * the next line, of at most maxChars characters too, when the model gives the whole of it at least
   * `nextLineThreshold` (NEXT_LINE_THRESHOLD).
   */
  multiline?: boolean;
  nextLineThreshold?: number;
  /** false turns copying off for this request, the document's words (words.ts) with it. */
  copy?: boolean;
  /** The least copy match after the best candidate that goes on copying (DECODE_DEFAULTS.copyRun); 0 turns it off. */
  copyRun?: number;
  /**
   * The least confidence the caller shows (the editor's threshold): a document word joins the candidates only at or
   * over it, and one the word model could not put there whatever its score is not scored. Unset: every word is
   * weighed and the likeliest joins wherever it stands.
   */
  showThreshold?: number;
  /** true: the result carries each candidate's show-model features (`fit-show` collects them). */
  showFeatures?: boolean;
  /** true: the result carries the document's words and their word-model features (`fit-words` collects them). */
  wordFeatures?: boolean;
}

/** How a request whose window the cache lacks is read: a short window first, or the full one at once. */
export type ColdWindow = 'short' | 'full';

/** A request's text, normalised once: the encoder window and the text the copy prior searches. */
interface CutText {
  window: ContextWindow;
  copyText: string;
  /** The text below the cursor's line that the copy prior and the document's words search (belowText). */
  below: string;
}

export interface SuggestResult {
  /** Best first; with length 'auto' the first one may run past its token (its confidence is still the token's). */
  candidates: Candidate[];
  /** With length 'auto': every next token the decoder proposed for the best candidate, kept or not (for `eval`). */
  nextTokens?: NextToken[];
  /** With multiline: the line after the best candidate's, kept or not (for `eval`). */
  nextLine?: NextLine | null;
  /** Encoder steps this request ran (0 when the cache held the whole window). */
  encoderSteps: number;
  /** With `showFeatures`: each candidate's show-model features (show.ts), for the token candidates before any extension. */
  showFeatures?: number[][];
  /** With `wordFeatures`: the document's words that extend the name being typed (words.ts) and their features. */
  words?: { text: string; features: number[] }[];
}

/** What the encoder-state view shows for one window: the encoder's trace, the greedy decoder step by step, the beam. */
export interface Explanation {
  trace: EncoderTrace;
  greedy: DecodeTrace;
  candidates: Candidate[];
}


/** The index a workspace memory is searched by (null for none): built once, shared by every engine that searches it. */
export const memoryIndexOf = (text: string | null): MatchIndex | null => (text ? new MatchIndex(Vocabulary.normalise(text)) : null);

export class CompletionEngine {
  private readonly net: InferenceNet;
  private readonly cache: EncoderCache;
  private readonly decoder: Decoder;
  private readonly extender: LineExtender;
  private memory: MatchIndex | null = null;
  /** The user's other files (open, recently edited or saved), searched by the copy prior after the document. */
  readonly context: ContextFiles;
  private readonly documentIndexes = new DocumentIndexes();
  private readonly copyWeights: CopyWeights;
  /** The show model's correction where the model learnt the user's workspace; undefined for none. */
  private readonly tunedShow: TunedShow | undefined;
  /** Which windows to read, now and ahead in idle time (windowPlanner.ts). */
  private readonly planner: WindowPlanner;
  /** The document's text around where the cursor landed (land()), for idle time to index before the first keystroke. */
  private landedText: { above: string | null; below: string } | null = null;

  /**
   * `context`: the other files, when their owner outlives this engine (the worker keeps them across model switches).
   * `tuned`: the model learnt the user's workspace (a fine-tuned model, also while its weights are adapted to the
   * document in hand), so its show model's confidence is corrected by the model's `tunedShow` where it has one.
   */
  constructor(readonly model: Seq2SeqModel, options: { cache?: boolean; context?: ContextFiles; tuned?: boolean } = {}) {
    this.context = options.context ?? new ContextFiles();
    this.net = new InferenceNet(model);
    // Six windows: the one being typed in, the one its next slide starts (read ahead), and a few to jump back to.
    this.cache = new EncoderCache(this.net, options.cache === false ? 0 : 6);
    this.planner = new WindowPlanner(this.cache, model.vocab, model.config);
    this.decoder = new Decoder(this.net, model.vocab);
    this.extender = new LineExtender(this.net, model.vocab);
    const c = model.config;
    this.tunedShow = options.tuned === true ? c.tunedShow : undefined;
    this.copyWeights = { ...(c.copyWeights ? { all: c.copyWeights } : {}), ...(c.copySourceWeights ? { bySource: c.copySourceWeights } : {}) };
  }

  private cut(request: Pick<SuggestRequest, 'prefix' | 'window' | 'below'>): CutText {
    // A bare prefix (the CLI, bench, eval) is cut here by the one request cut, as the host cuts a document; a cut
    // request (the editor's) is read as cut. Either way the text is normalised already, or has no line ends to change.
    const cut = request.window ? { before: request.prefix, windowStart: request.window.start, atFileStart: request.window.atFileStart } : cutRequest(normaliseLineEnds(request.prefix), 0, this.model.config);
    const text = cut.before.slice(cut.windowStart);
    return { window: { start: cut.windowStart, text, atFileStart: cut.atFileStart }, copyText: cut.before.slice(-COPY_CONTEXT_CHARS), below: belowText(request) };
  }

  private inputsFor(window: ContextWindow, language: string | undefined): { encoder: number[]; prime: number[] } {
    return {
      encoder: encoderTokens(this.model.vocab, familyOfLanguageId(language), window.text, window.atFileStart),
      prime: decoderPrime(this.model.vocab, window.text, this.model.config.decoderPrime),
    };
  }

  /**
   * The workspace memory suggestions may copy from besides the document (the workspace's files); null for none. An
   * index already built (the engine thread's, shared by the engines it builds) is used as it is.
   */
  setMemory(memory: string | MatchIndex | null): void {
    this.memory = typeof memory === 'string' ? memoryIndexOf(memory) : memory;
  }

  get memoryChars(): number {
    return this.memory?.text.length ?? 0;
  }

  /** How the last request's index above the cursor was obtained (reused, extended or built), for the bench and tests. */
  get aboveIndexUse(): DocumentIndexes['lastAbove'] {
    return this.documentIndexes.lastAbove;
  }

  get memoryIndex(): MatchIndex | null {
    return this.memory;
  }

  suggest(request: SuggestRequest): SuggestResult {
    this.landedText = null;
    const cut = this.cut(request);
    const inputs = this.inputsFor(cut.window, request.language);
    const short = request.coldWindow === 'full' ? null : this.planner.shortWindowFor(cut.window, inputs.encoder, request.language);
    // Answered from the short window, the full one is left for idle time to read.
    this.planner.catchUpLater(short ? inputs.encoder : null);
    const { state, stepsRun } = this.cache.encode(short ?? inputs.encoder);
    this.planner.planNextWindow(cut.window, request.language);
    const options = decodeOptions(request);
    const copy = this.copyPrior(request, cut);
    const { candidates, features, words } = this.rank(state, inputs.prime, options, copy, request, cut);
    const extra = { ...(features ? { showFeatures: features } : {}), ...(words ? { words } : {}) };
    if (request.length !== 'auto') return { candidates, encoderSteps: stepsRun, ...extra };
    return { ...this.extendBest(candidates, { state, prime: inputs.prime, maxChars: options.maxChars, copy }, request), encoderSteps: stepsRun, ...extra };
  }

  /**
   * The decoder's candidates, each with its confidence from the model's show model where it has one (show.ts), else
   * its probability, the best one gone on with an agreeing copy run (withCopyRun); where the model has a word model,
   * the likeliest of the document's words that extend the name being typed among them (withCandidate); the features
   * too when the request asks for them.
   */
  private rank(
    state: NetState,
    prime: number[],
    options: DecodeOptions,
    copy: CopyPrior | undefined,
    request: SuggestRequest,
    cut: CutText,
  ): { candidates: Candidate[]; features?: number[][]; words?: { text: string; features: number[] }[] } {
    // One priming of the decoder for the beam and the words' scores.
    const start = primeDecoder(this.net, state, prime);
    const ranked = this.rankTokens(start, state, prime, options, copy, request, cut);
    if (!copy) return ranked;
    const candidates = withCopyRun(ranked.candidates, copy, options.maxChars, request.copyRun ?? DECODE_DEFAULTS.copyRun);
    const wordModel = this.model.config.wordModel;
    if (!wordModel && request.wordFeatures !== true) return { ...ranked, candidates };
    // The least confidence the caller shows, where it says; fit-words' requests weigh every word.
    const threshold = request.wordFeatures === true ? undefined : request.showThreshold;
    const words = this.documentWords(start, options, copy, request, cut, ranked.candidates, threshold);
    // The likeliest word by the word model; on a tie, the more frequent.
    let best: { candidate: Candidate; p: number } | null = null;
    if (wordModel) {
      for (const w of words) {
        const p = showProbability(wordModel, w.features);
        if (!best || p > best.p) best = { candidate: w.candidate, p };
      }
    }
    // With the caller's threshold known, a word joins only where it may be shown: one under it would move the beam's
    // candidates (withCandidate), and whether it was read at all must change nothing.
    const joining = best && (threshold === undefined || best.p >= threshold) ? best : null;
    return {
      ...ranked,
      candidates: joining ? withCandidate(candidates, joining.candidate, joining.p) : candidates,
      ...(request.wordFeatures === true ? { words: words.map((w) => ({ text: w.candidate.text, features: w.features })) } : {}),
    };
  }

  /**
   * The document's words that extend the name being typed (words.ts), each scored by the decoder where the beam does
   * not hold it, with the word model's features; none when the cursor is not in a name or nothing extends it. With
   * a `threshold`, a word the beam lacks is dropped unread where the word model could not reach it whatever its score
   * (wordProbabilityBound): most words, at the keys where they cost most (docs/figures.md).
   */
  private documentWords(
    start: PrimedDecoder,
    options: DecodeOptions,
    copy: CopyPrior,
    request: SuggestRequest,
    cut: CutText,
    tokens: readonly Candidate[],
    threshold: number | undefined,
  ): { candidate: Candidate; features: number[] }[] {
    // The beam's best, at the confidence the threshold reads (corrected for a model that learnt its workspace): the
    // chance it is right, as the word model was fitted to read it.
    const best = tokens[0];
    const family = familyOfLanguageId(request.language);
    const inputsOf = (guess: WordGuess, beam: Candidate | undefined, logProb: number): WordInputs => ({
      guess,
      best: best ? { text: best.text, confidence: best.confidence, logProb: best.logProb } : { text: '', confidence: 0, logProb: WORD_LOG_PROB_FLOOR },
      inBeam: beam !== undefined,
      logProb,
      family,
    });
    const wordModel = this.model.config.wordModel;
    // The floor stands in for the score, which the bound leaves free.
    const mayShow = (guess: WordGuess): boolean => !wordModel || threshold === undefined || wordProbabilityBound(wordModel, wordFeatures(inputsOf(guess, undefined, WORD_LOG_PROB_FLOOR))) >= threshold;
    const guesses = documentWords(cut.copyText, cut.below)
      .filter((g) => g.text.length <= options.maxChars)
      .map((g) => ({ guess: g, beam: tokens.find((c) => c.text === g.text) }))
      .filter(({ guess, beam }) => beam !== undefined || mayShow(guess));
    if (guesses.length === 0) return [];
    const unscored = guesses.filter((g) => !g.beam).map((g) => g.guess.text);
    // Below the floor a score tells the word model no more: the decoder stops reading that word there.
    const floor = wordScoreFloor(wordModel, best ? best.logProb : WORD_LOG_PROB_FLOOR);
    const scores = unscored.length > 0 ? this.decoder.score(start, unscored, options.stopAt, copy, floor) : [];
    let next = 0;
    return guesses.map(({ guess, beam }) => {
      const logProb = beam ? beam.logProb : (scores[next++] as number);
      const features = wordFeatures(inputsOf(guess, beam, logProb));
      return { candidate: { text: guess.text, logProb, confidence: Math.exp(logProb), complete: true }, features };
    });
  }

  /** The decoder's token candidates with their show-model confidence, and their features where asked. */
  private rankTokens(start: PrimedDecoder, state: NetState, prime: number[], options: DecodeOptions, copy: CopyPrior | undefined, request: SuggestRequest, cut: CutText): { candidates: Candidate[]; features?: number[][] } {
    const showModel = this.model.config.showModel;
    if (!showModel && request.showFeatures !== true) return { candidates: this.decoder.decode(state, prime, options, copy, undefined, start) };
    const firstStep: FirstStep = {};
    const decoded = this.decoder.decode(state, prime, options, copy, firstStep, start);
    const atCursor = copy?.guess('') ?? { length: 0, votes: new Map<string, number>(), total: 0 };
    const line = cut.copyText.slice(cut.copyText.lastIndexOf('\n') + 1);
    const family = familyOfLanguageId(request.language);
    const spread = firstStep.mixed ? distributionSpread(firstStep.mixed) : { entropy: 0, top: 1 };
    const features = decoded.map((c, k) => {
      const runnerUp = decoded[k === 0 ? 1 : 0];
      const first = c.text[0];
      const inputs: ShowInputs = {
        text: c.text,
        logProb: c.logProb,
        runnerUpLogProb: runnerUp ? runnerUp.logProb : -Infinity,
        lstmFirstLogProb: first !== undefined && firstStep.lstm ? (firstStep.lstm[this.model.vocab.idOf(first)] as number) : NaN,
        copyAtCursor: atCursor,
        copyAfterLength: copy && c.text ? copy.guess(c.text).length : 0,
        line,
        family,
        firstStepEntropy: spread.entropy,
        firstStepTop: spread.top,
        beamAgreement: decoded.filter((d) => d.text[0] === first).length / decoded.length,
      };
      return showFeatures(inputs);
    });
    const tuned = this.tunedShow;
    const candidates = showModel
      ? decoded.map((c, k) => {
          const p = showProbability(showModel, features[k] as number[]);
          return { ...c, confidence: tuned ? tunedProbability(p, tuned) : p };
        })
      : decoded;
    return request.showFeatures === true ? { candidates, features } : { candidates };
  }

  /**
   * 'auto' length: the best candidate goes on past its token while the model is sure of each next token (extend.ts);
   * a model with a fitted calibrator decides by it unless the request names another rule.
   */
  private extendBest(
    candidates: Candidate[],
    from: { state: NetState; prime: number[]; maxChars: number; copy: CopyPrior | undefined },
    request: Pick<SuggestRequest, 'extendRule' | 'extendThreshold' | 'multiline' | 'nextLineThreshold'>,
  ): { candidates: Candidate[]; nextTokens?: NextToken[]; nextLine?: NextLine | null } {
    const best = candidates[0];
    const multiline = request.multiline === true;
    // An empty best candidate says the line ends at the cursor: only the next line can follow it.
    if (!best || !best.complete || (best.text === '' && !multiline)) return { candidates };
    // Each line gets the character budget: the next line is not squeezed into what this one left.
    const { tokens: nextTokens, nextLine } = this.extender.continuation(from.state, from.prime, best.text, from.maxChars - best.text.length, from.copy, multiline ? from.maxChars : 0);
    if (best.text === '' && nextTokens.length > 0) return { candidates, nextTokens, nextLine: null };
    const calibration = this.model.config.extendCalibration;
    if (calibration) nextTokens.forEach((t, k) => (t.calibrated = calibratedProb(calibration, t, k)));
    const rule = request.extendRule ?? (calibration ? 'calibrated' : EXTEND_RULE);
    const threshold = request.extendThreshold ?? (rule === 'calibrated' ? CALIBRATED_EXTEND_THRESHOLD : EXTEND_THRESHOLD);
    const kept = keptExtension(nextTokens, threshold, rule);
    const line = keptNextLine(nextTokens, kept, nextLine, request.nextLineThreshold ?? NEXT_LINE_THRESHOLD);
    return { candidates: [{ ...best, text: best.text + kept + (line ? `\n${line.text}` : '') }, ...candidates.slice(1)], nextTokens, ...(multiline ? { nextLine } : {}) };
  }

  /**
   * The copy sources of a request, in priority order: the document above the cursor and below its line (indexes
   * kept across requests, see DocumentIndexes), the other files, the workspace memory.
   */
  private copyPrior(request: SuggestRequest, cut: CutText): CopyPrior | undefined {
    if (request.copy === false) return undefined;
    const below = cut.below;
    const files = request.files === false ? null : this.context.source(request.path);
    const sources: CopySource[] = [
      { index: this.documentIndexes.above(cut.copyText), origin: 'above' },
      ...(below ? [{ index: this.documentIndexes.below(below), origin: 'below' as const }] : []),
      ...(files ? [{ ...files, origin: 'files' as const }] : []),
      ...(this.memory ? [{ index: this.memory, origin: 'memory' as const }] : []),
    ];
    return new CopyPrior(this.model.vocab, sources, cut.copyText, this.copyWeights);
  }

  /**
   * The cursor came to rest at this place without a request (a click, a jump, a file opened; the editor's
   * CursorLanding): idle time reads the full window there and indexes the document around it, so the first
   * keystroke extends a cached state and indexes (a step or two) instead of paying for a jump.
   */
  land(request: Pick<SuggestRequest, 'prefix' | 'window' | 'language' | 'below'>): void {
    const cut = this.cut(request);
    const { encoder } = this.inputsFor(cut.window, request.language);
    this.planner.catchUpLater(this.cache.cachedLength(encoder) < encoder.length ? encoder : null);
    this.planner.planNextWindow(cut.window, request.language);
    this.landedText = { above: cut.copyText, below: cut.below };
  }

  /**
   * Idle work, a slice at a time (a few milliseconds): the indexes where the cursor landed, the window to catch up
   * on or the one the next slide starts, then the other files. True while more remains; the worker stops calling
   * as soon as a request waits.
   */
  prepareIdle(): boolean {
    return this.prepareLanding() || this.planner.prepareNextWindow() || this.context.prepare();
  }

  /** Indexes the landed document, above the cursor then below it, one per slice; false when there is nothing to do. */
  private prepareLanding(): boolean {
    const landed = this.landedText;
    if (!landed) return false;
    if (landed.above !== null) {
      this.documentIndexes.above(landed.above);
      landed.above = null;
    } else {
      if (landed.below) this.documentIndexes.below(landed.below);
      this.landedText = null;
    }
    return true;
  }

  /**
   * Reads up to `steps` tokens of the windows planned ahead into the encoder cache; true while more remains (see
   * WindowPlanner.prepareNextWindow).
   */
  prepareNextWindow(steps = 32): boolean {
    return this.planner.prepareNextWindow(steps);
  }

  /** The encoder's state and gates over the last `maxChars` tokens of the window (reads, never caches). */
  trace(request: Pick<SuggestRequest, 'prefix' | 'window' | 'language'>, maxChars = 64): EncoderTrace {
    return traceEncoder(this.net, this.model.vocab, this.inputsFor(this.cut(request).window, request.language).encoder, maxChars);
  }

  /** The trace over the last `traceChars` tokens, the greedy decode with the top-k per step, and the ranked candidates. */
  explain(request: SuggestRequest & { traceChars: number; topK: number }): Explanation {
    const cut = this.cut(request);
    const inputs = this.inputsFor(cut.window, request.language);
    const trace = traceEncoder(this.net, this.model.vocab, inputs.encoder, request.traceChars);
    const { state } = this.cache.encode(inputs.encoder);
    const options = decodeOptions(request);
    const copy = this.copyPrior(request, cut);
    const greedy = traceGreedyDecode(this.net, this.model.vocab, state, inputs.prime, { maxChars: options.maxChars, topK: request.topK, stopAt: options.stopAt, ...(copy ? { copy } : {}) });
    // The candidates as suggest gives them (extended with 'auto' length), so the panel shows the ghost text's.
    const decoded = this.rank(state, inputs.prime, options, copy, request, cut).candidates;
    const candidates = request.length === 'auto' ? this.extendBest(decoded, { state, prime: inputs.prime, maxChars: options.maxChars, copy }, request).candidates : decoded;
    return { trace, greedy, candidates };
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** The entropy (nats) and the largest probability of a distribution given as log-probabilities. */
function distributionSpread(logp: Float32Array): { entropy: number; top: number } {
  let entropy = 0;
  let top = 0;
  for (const lp of logp) {
    const p = Math.exp(lp);
    if (p > 0) entropy -= p * lp;
    if (p > top) top = p;
  }
  return { entropy, top };
}

/** The best candidate, gone on with the copied text that follows it (CopyPrior.run) when `minLength` > 0. */
function withCopyRun(candidates: Candidate[], copy: CopyPrior, maxChars: number, minLength: number): Candidate[] {
  const best = candidates[0];
  if (minLength <= 0 || !best || !best.complete || best.text.trim() === '') return candidates;
  const more = copy.run(best.text, maxChars - best.text.length, minLength, DECODE_DEFAULTS.copyRunVotes);
  return more ? [{ ...best, text: best.text + more }, ...candidates.slice(1)] : candidates;
}

/**
 * The candidates with `word` among them at confidence `p` (the word model's): before the first candidate less sure
 * than it, in place of the same text where the beam holds it (at the surer of the two confidences).
 */
function withCandidate(candidates: Candidate[], word: Candidate, p: number): Candidate[] {
  const same = candidates.find((c) => c.text === word.text);
  const entry = { ...(same ?? word), confidence: Math.max(p, same?.confidence ?? 0), word: true };
  const rest = candidates.filter((c) => c !== same);
  const at = rest.findIndex((c) => c.confidence < entry.confidence);
  return at < 0 ? [...rest, entry] : [...rest.slice(0, at), entry, ...rest.slice(at)];
}

/** The text below the cursor's line that the copy prior searches. */
function belowText(request: Pick<SuggestRequest, 'below'>): string {
  return request.below ? Vocabulary.normalise(request.below).slice(0, COPY_AFTER_CHARS) : '';
}

/** A request's decoding options with their defaults, clamped to what the decoder accepts. */
function decodeOptions(request: SuggestRequest): DecodeOptions {
  return {
    beamWidth: Math.max(1, Math.floor(request.beamWidth ?? DECODE_DEFAULTS.beamWidth)),
    maxChars: Math.max(1, Math.floor(request.maxChars ?? DECODE_DEFAULTS.maxChars)),
    stopAt: request.stopAt ?? 'token',
  };
}
