// What each contestant of the replay shows at a key: the engine through the editor's own road (the type-through
// cache and the one decision of what is shown, as inlineProvider.ts does), word completion, the 8-gram, and two
// limits that know the text (the next token, the rest of the line).
import type { Settings } from '../../completion/settings';
import { decodeRequest } from '../../completion/settings';
import { trimOverlap } from '../../completion/filters';
import { decideShown } from '../../completion/shown';
import { SuggestionCache } from '../../completion/suggestionCache';
import type { CharNgram } from '../../model/evaluation/ngram';
import type { CompletionEngine, SuggestRequest } from '../../model/inference/engine';
import { referenceCompletion } from '../../model/inference/tokens';
import { textBelow } from '../../shared/window';
import type { Suggester } from './simulate';

/** A block removed from its file: the user writes it anew between the text above and the text below. */
export interface ReplayDocument {
  path: string;
  language: string;
  above: string;
  block: string;
  below: string;
}

const restOfLine = (doc: ReplayDocument): string => doc.below.split('\n', 1)[0] as string;

/** A suggestion the engine was asked for and shown, with its show-model features and whether the text went on with it. */
export type ShowRecord = (features: number[], right: boolean) => void;

/** Each of the document's words at every request that has some (shown or not), with its word-model features and whether the text goes on with it. */
export type WordRecord = ShowRecord;

/**
 * The engine as the editor shows it: a cached rest while it would be shown, else the engine asked (and its idle
 * work done, as between keystrokes), then the one decision of what is shown. Engine times go to `engineMs`;
 * `record` (fit-show) receives every suggestion the engine was asked for and shown, `recordWord` (fit-words) every
 * document word it considered.
 */
export function engineSuggester(
  engine: CompletionEngine,
  doc: ReplayDocument,
  settings: Settings,
  engineMs: number[],
  record?: ShowRecord,
  request: Partial<SuggestRequest> = {},
  minShownChars?: number,
  recordWord?: WordRecord,
): Suggester {
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  const below = textBelow(doc.below);
  const rest = restOfLine(doc);
  return (typed) => {
    const prefix = doc.above + typed;
    const lineStart = prefix.lastIndexOf('\n') + 1;
    const key = String(lineStart);
    const before = prefix.slice(lineStart);
    const cached = cache.get(key, before, settings.confidenceThreshold);
    if (cached) return decideShown(cached, rest, settings.confidenceThreshold, minShownChars).shown[0]?.text ?? '';
    const t0 = performance.now();
    const result = engine.suggest({ prefix, below, language: doc.language, path: doc.path, ...decodeRequest(settings), ...request, ...(record ? { showFeatures: true } : {}), ...(recordWord ? { wordFeatures: true } : {}) });
    engineMs.push(performance.now() - t0);
    cache.put(key, before, result.candidates);
    while (engine.prepareIdle());
    const shown = decideShown(result.candidates, rest, settings.confidenceThreshold, minShownChars).shown[0]?.text ?? '';
    if (recordWord) for (const w of result.words ?? []) recordWord(w.features, doc.block.startsWith(w.text, typed.length));
    if (record && shown && result.showFeatures) {
      const k = result.candidates.findIndex((c) => trimOverlap(c.text, rest) === shown);
      const features = result.showFeatures[k];
      if (features) record(features, doc.block.startsWith(shown, typed.length));
    }
    return shown;
  };
}

const WORD = /[A-Za-z0-9_$]+/g;

function countWords(text: string, into: Map<string, number>): void {
  for (const m of text.matchAll(WORD)) into.set(m[0], (into.get(m[0]) ?? 0) + 1);
}

/**
 * Word completion: the most frequent word earlier in the document that extends the identifier being typed (ties:
 * the shorter); nothing at the start of a token.
 */
export function wordSuggester(doc: ReplayDocument): Suggester {
  const aboveCounts = new Map<string, number>();
  countWords(doc.above, aboveCounts);
  // The part of `above` after its last word boundary may join the block's first word: it is counted with the typed text.
  const tail = /[A-Za-z0-9_$]*$/.exec(doc.above)?.[0] ?? '';
  if (tail) aboveCounts.set(tail, (aboveCounts.get(tail) ?? 1) - 1);
  const sorted = [...aboveCounts].filter(([, n]) => n > 0).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const firstAtLeast = (prefix: string): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as [string, number])[0] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (typed) => {
    const current = /[A-Za-z0-9_$]+$/.exec(tail + typed)?.[0] ?? '';
    if (!current) return '';
    // Words of the block typed so far, the one being typed excluded.
    const typedCounts = new Map<string, number>();
    countWords((tail + typed).slice(0, -current.length), typedCounts);
    let best = '';
    let bestCount = 0;
    const consider = (word: string, n: number): void => {
      if (word.length <= current.length || !word.startsWith(current)) return;
      if (n > bestCount || (n === bestCount && word.length < best.length)) {
        best = word;
        bestCount = n;
      }
    };
    for (let i = firstAtLeast(current); i < sorted.length && (sorted[i] as [string, number])[0].startsWith(current); i++) {
      const [word, n] = sorted[i] as [string, number];
      consider(word, n + (typedCounts.get(word) ?? 0));
    }
    for (const [word, n] of typedCounts) if ((aboveCounts.get(word) ?? 0) <= 0) consider(word, n);
    return best.slice(current.length);
  };
}

/** The 8-gram's greedy completion to the end of the token, shown from the same threshold as the engine's. */
export function ngramSuggester(ngram: CharNgram, doc: ReplayDocument, settings: Settings): Suggester {
  const rest = restOfLine(doc);
  return (typed) => {
    const { text, logProb } = ngram.complete(doc.above + typed, 'token', settings.maxSuggestionChars);
    return decideShown([{ text, confidence: Math.exp(logProb) }], rest, settings.confidenceThreshold).shown[0]?.text ?? '';
  };
}

/** The best a one-token engine can do: exactly the next token of the block, always. */
export function nextTokenOracle(doc: ReplayDocument, maxChars: number): Suggester {
  return (typed) => referenceCompletion(doc.block.slice(typed.length), 'token', maxChars);
}

/** The rest of the block's line, always. */
export function restOfLineOracle(doc: ReplayDocument): Suggester {
  return (typed) => doc.block.slice(typed.length).split('\n', 1)[0] as string;
}
