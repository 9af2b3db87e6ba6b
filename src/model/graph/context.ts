// What the encoder reads for a cursor: the language marker, START when the window begins at the file's start,
// then the window's characters. The window's start snaps to a grid so it stays put while the user types.
import type { LanguageFamily } from '../../shared/language';
import { windowStart } from '../../shared/window';
import type { ModelConfig } from './config';
import type { Vocabulary } from './vocab';

export interface ContextWindow {
  /** Offset of the window's first character in the text before the cursor. */
  start: number;
  text: string;
  atFileStart: boolean;
}

/**
 * The window for the text before the cursor: all of it when it is short, otherwise a window whose start is a
 * multiple of (max - min) so that its length stays within [min, max) and typing only appends to it.
 */
export function contextWindow(before: string, config: ModelConfig): ContextWindow {
  const start = windowStart(before.length, config);
  return { start, text: before.slice(start), atFileStart: start === 0 };
}

export function encoderTokens(vocab: Vocabulary, family: LanguageFamily, text: string, atFileStart: boolean): number[] {
  const ids = [vocab.markerId(family)];
  if (atFileStart) ids.push(vocab.startId);
  for (let i = 0; i < text.length; i++) ids.push(vocab.idOf(text[i] as string));
  return ids;
}

/**
 * What the decoder reads before its first prediction: START, then the last `k` characters of the window (fewer
 * near the file's start, with START repeated in front so every row of a batch has k + 1 steps).
 */
export function decoderPrime(vocab: Vocabulary, windowText: string, k: number): number[] {
  const chars = k > 0 ? windowText.slice(-k) : '';
  const ids: number[] = new Array(1 + k - chars.length).fill(vocab.startId);
  for (let i = 0; i < chars.length; i++) ids.push(vocab.idOf(chars[i] as string));
  return ids;
}
