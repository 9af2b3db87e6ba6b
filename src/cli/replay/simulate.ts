// The typing replay: a simulated user retypes a block of held-out code key by key. At each key the ghost text is
// what a suggester shows there; if the text goes on with all of it the user presses Tab (one key, the whole
// suggestion), otherwise types the next character (one key). A ghost text the next character matches stays on
// screen (typing through it); one it contradicts is a wrong suggestion. Pure: the suggesters are passed in.

/** Where the user is: the block's text typed so far (the document is above + typed + below). */
export type Suggester = (typed: string) => string;

/** 'tab': only whole suggestions are taken; 'words': the right first words of a wrong one are taken with Ctrl+Right. */
export type AcceptMode = 'tab' | 'words';

export interface ReplayCount {
  /** Characters of the block, and the keys the user pressed to write it. */
  chars: number;
  keys: number;
  /** Suggestions that appeared (typing through one is not a new one), taken whole with Tab, contradicted. */
  shown: number;
  taken: number;
  wrong: number;
  /** Ctrl+Right presses (words mode). */
  words: number;
}

export const emptyCount = (): ReplayCount => ({ chars: 0, keys: 0, shown: 0, taken: 0, wrong: 0, words: 0 });

export function addCounts(a: ReplayCount, b: ReplayCount): ReplayCount {
  return { chars: a.chars + b.chars, keys: a.keys + b.keys, shown: a.shown + b.shown, taken: a.taken + b.taken, wrong: a.wrong + b.wrong, words: a.words + b.words };
}

/** Ctrl+Right's steps through a suggestion: each press takes the next word with the blanks or symbol before it. */
export function wordSteps(text: string): string[] {
  return text.match(/\s*(?:[A-Za-z0-9_$]+|[^A-Za-z0-9_$\s])|\s+$/g) ?? [];
}

/** Retypes `block` with `suggest` answering at every key; deterministic for a deterministic suggester. */
export function replayBlock(block: string, suggest: Suggester, mode: AcceptMode = 'tab'): ReplayCount {
  const count = { ...emptyCount(), chars: block.length };
  let p = 0;
  /** What was on screen before the last key, shifted by it when the key typed through it. */
  let carried = '';
  while (p < block.length) {
    const ghost = suggest(block.slice(0, p));
    if (ghost !== '' && ghost !== carried) count.shown++;
    if (ghost !== '' && block.startsWith(ghost, p)) {
      count.keys++;
      count.taken++;
      p += ghost.length;
      carried = '';
      continue;
    }
    if (ghost !== '' && mode === 'words') {
      // The right first words of the suggestion, one Ctrl+Right each; the rest stays on screen.
      let took = 0;
      for (const step of wordSteps(ghost)) {
        if (!block.startsWith(step, p + took)) break;
        took += step.length;
        count.keys++;
        count.words++;
      }
      if (took > 0) {
        p += took;
        carried = ghost.slice(took);
        continue;
      }
    }
    if (ghost !== '' && block[p] !== ghost[0]) {
      count.wrong++;
      carried = '';
    } else {
      carried = ghost.slice(1);
    }
    count.keys++;
    p++;
  }
  return count;
}
