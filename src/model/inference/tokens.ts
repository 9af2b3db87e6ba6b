// Where a suggestion ends: optional leading blanks, then one token (a run of word characters or a run of
// punctuation); a newline always ends it. The decoder walks this small state machine character by character.
import type { Vocabulary } from '../graph/vocab';

export type StopAt = 'token' | 'line';

/** Phases of the machine: nothing but blanks yet, inside a word, inside punctuation. */
export const enum Phase {
  Lead = 0,
  Word = 1,
  Punct = 2,
}
export const STOP = -1;

export type CharClass = 'blank' | 'newline' | 'word' | 'punct';

export function charClass(ch: string): CharClass {
  if (ch === '\n') return 'newline';
  if (ch === ' ' || ch === '\t') return 'blank';
  if (/[A-Za-z0-9_$]/.test(ch)) return 'word';
  return 'punct';
}

/** The next phase after generating ch, or STOP when ch would begin something the suggestion leaves out. */
export function advance(phase: Phase, ch: string, stopAt: StopAt): Phase | typeof STOP {
  const cls = ch === '' ? 'newline' : charClass(ch); // '' stands for END and other special tokens
  if (cls === 'newline') return STOP;
  if (stopAt === 'line') return cls === 'word' ? Phase.Word : cls === 'punct' ? Phase.Punct : phase;
  switch (phase) {
    case Phase.Lead:
      return cls === 'blank' ? Phase.Lead : cls === 'word' ? Phase.Word : Phase.Punct;
    case Phase.Word:
      return cls === 'word' ? Phase.Word : STOP;
    case Phase.Punct:
      return cls === 'punct' ? Phase.Punct : STOP;
  }
}

/** The text a perfect model would suggest at a cursor: the rest of the current or next token, per `advance`. */
export function referenceCompletion(after: string, stopAt: StopAt, maxChars: number): string {
  let phase = Phase.Lead;
  let i = 0;
  for (; i < Math.min(after.length, maxChars); i++) {
    const next = advance(phase, after[i] as string, stopAt);
    if (next === STOP) break;
    phase = next;
  }
  return after.slice(0, i);
}

/** For every phase, which vocabulary ids end the suggestion (STOP) and the phase each other id leads to. */
export interface TransitionTable {
  next: Int8Array[]; // [phase][id] -> phase or -1
}

export function transitionTable(vocab: Vocabulary, stopAt: StopAt): TransitionTable {
  const next = [Phase.Lead, Phase.Word, Phase.Punct].map((phase) => {
    const row = new Int8Array(vocab.size);
    for (let id = 0; id < vocab.size; id++) row[id] = advance(phase, vocab.charOf(id), stopAt);
    return row;
  });
  return { next };
}
