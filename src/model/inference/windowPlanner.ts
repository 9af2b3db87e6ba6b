// Which encoder windows to read, and when: a cold request (the cursor jumped, a file was opened) is answered from
// a short window and the full one is read in idle time; a window about to slide has its next window read ahead; a
// landing reads the full window before the first keystroke. Owns what is left to read; the engine asks it.
import { CUT_ALIGN, windowStart } from '../../shared/window';
import { familyOfLanguageId } from '../../shared/language';
import type { ModelConfig } from '../graph/config';
import { ContextWindow, encoderTokens } from '../graph/context';
import type { Vocabulary } from '../graph/vocab';
import type { EncoderCache } from './encoderCache';

/** How many characters before a slide the next window starts to be read ahead: keystrokes of margin. */
const SLIDE_LOOKAHEAD = 64;

/**
 * A request whose window the cache lacks more than this many steps of is cold (the cursor jumped, or a file was
 * opened): typing costs 1 step, a slide read ahead 2, a jump 128-256.
 */
const COLD_STEPS = 48;
/**
 * A cold request is answered from a short window, minContextChars to minContextChars + SHORT_STRIDE characters,
 * whose start also moves by strides (so the keystrokes right after a jump extend it too); idle time then reads the
 * full window, which the next keystrokes use.
 */
const SHORT_STRIDE = 32;
// The short window is cut on offsets within the request, whose start is aligned to CUT_ALIGN (shared/window.ts).
if (CUT_ALIGN % SHORT_STRIDE !== 0) throw new Error('SHORT_STRIDE must divide CUT_ALIGN');

export class WindowPlanner {
  /**
   * Windows to read ahead in idle time (prepareNextWindow), first first: the full window of a request that was
   * answered from a short one (or of a landing), and the window the next slide starts.
   */
  private readAhead: { catchUp: number[] | null; nextSlide: number[] | null } = { catchUp: null, nextSlide: null };

  constructor(
    private readonly cache: EncoderCache,
    private readonly vocab: Vocabulary,
    private readonly config: Pick<ModelConfig, 'minContextChars' | 'maxContextChars'>,
  ) {}

  /** The full window to read in idle time (answered from a short one, or landed on); null for none. */
  catchUpLater(tokens: number[] | null): void {
    this.readAhead.catchUp = tokens;
  }

  /**
   * The short window (SHORT_STRIDE) to answer a request from, when the cache lacks more than COLD_STEPS of its full
   * window and the short one needs fewer steps; null when the full window is the one to read.
   */
  shortWindowFor(window: ContextWindow, full: number[], language: string | undefined): number[] | null {
    const missing = full.length - this.cache.cachedLength(full);
    if (missing <= COLD_STEPS) return null;
    const min = this.config.minContextChars;
    const start = windowStart(window.start + window.text.length, { minContextChars: min, maxContextChars: min + SHORT_STRIDE });
    if (start <= window.start) return null;
    const short = encoderTokens(this.vocab, familyOfLanguageId(language), window.text.slice(start - window.start), false);
    return short.length - this.cache.cachedLength(short) < missing ? short : null;
  }

  /**
   * When the window is close to sliding (its start moves one stride on once it reaches maxContextChars), the window
   * it will slide to is the current text from one stride on: remember it, so that idle time can read it ahead.
   */
  planNextWindow(window: ContextWindow, language: string | undefined): void {
    const { minContextChars: min, maxContextChars: max } = this.config;
    const stride = Math.max(1, max - min);
    this.readAhead.nextSlide = null;
    if (window.text.length < max - SLIDE_LOOKAHEAD || window.text.length <= stride) return;
    this.readAhead.nextSlide = encoderTokens(this.vocab, familyOfLanguageId(language), window.text.slice(stride), false);
  }

  /**
   * Reads up to `steps` tokens of the windows to read ahead into the encoder cache: the full window of a request
   * answered from a short one, then the window the next slide will start; true while more remains. The worker
   * calls it between requests, so the keystroke after a jump, or the one that slides the window, finds its window
   * cached up to the last character and pays one step, not a full re-encode.
   */
  prepareNextWindow(steps = 32): boolean {
    const key = this.readAhead.catchUp ? 'catchUp' : 'nextSlide';
    const tokens = this.readAhead[key];
    if (!tokens) return false;
    // Usually all but the last keystroke's character is cached already: only the rest is read.
    const have = this.cache.cachedLength(tokens);
    if (have < tokens.length) this.cache.encode(tokens.slice(0, Math.min(tokens.length, have + steps)));
    if (this.cache.cachedLength(tokens) < tokens.length) return true;
    this.readAhead[key] = null;
    return this.readAhead.nextSlide !== null;
  }

}
