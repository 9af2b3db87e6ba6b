// Honest local statistics of what suggestions did for the user: shown, accepted, characters saved and engine
// latency, per language. Pure: the host keeps them in the extension's storage (src/extension/statisticsStore.ts)
// and never sends them anywhere.

/** How many latency samples a language keeps for its median (the newest). */
const LATENCY_SAMPLES = 500;

export interface LanguageStats {
  /** Suggestions shown (typing through a shown suggestion does not count again). */
  shown: number;
  /** Suggestions accepted whole (Tab, or the last word or line of one). */
  accepted: number;
  /** Parts of suggestions taken with Ctrl+Right or accept-line (each word or line once; absent in older files). */
  partlyAccepted?: number;
  /** Characters inserted by accepted suggestions: what the user did not type. */
  charsSaved: number;
  /** Characters the user typed (partialAccept.ts typedChars; absent in older files). */
  typedChars?: number;
  /** Suggestions a typed character contradicted (absent in older files). */
  wrong?: number;
  /** The engine's time per shown suggestion, ms (the newest LATENCY_SAMPLES). */
  engineMs: number[];
}

export interface StatsFile {
  version: 1;
  since: string; // ISO date of the first count (or the last reset)
  languages: Record<string, LanguageStats>;
}

export const emptyStats = (now = new Date()): StatsFile => ({ version: 1, since: now.toISOString(), languages: {} });

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parses a statistics file; null when it is not one (corrupt, another version, hand-edited into nonsense). */
export function parseStats(text: string): StatsFile | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const f = v as Record<string, unknown>;
  if (f.version !== 1 || typeof f.since !== 'string' || typeof f.languages !== 'object' || f.languages === null || Array.isArray(f.languages)) return null;
  for (const s of Object.values(f.languages as Record<string, unknown>)) {
    if (typeof s !== 'object' || s === null) return null;
    const l = s as Record<string, unknown>;
    if (!isCount(l.shown) || !isCount(l.accepted) || !isCount(l.charsSaved)) return null;
    for (const key of ['partlyAccepted', 'typedChars', 'wrong']) if (l[key] !== undefined && !isCount(l[key])) return null;
    if (!Array.isArray(l.engineMs) || !l.engineMs.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) return null;
  }
  return v as StatsFile;
}

function language(stats: StatsFile, id: string): LanguageStats {
  return (stats.languages[id] ??= { shown: 0, accepted: 0, charsSaved: 0, engineMs: [] });
}

/** Adds `extra`'s counts to `base` (counts made before the stored file was read). */
export function mergeStats(base: StatsFile, extra: StatsFile): StatsFile {
  for (const [id, l] of Object.entries(extra.languages)) {
    const into = language(base, id);
    into.shown += l.shown;
    into.accepted += l.accepted;
    into.partlyAccepted = (into.partlyAccepted ?? 0) + (l.partlyAccepted ?? 0);
    into.charsSaved += l.charsSaved;
    into.typedChars = (into.typedChars ?? 0) + (l.typedChars ?? 0);
    into.wrong = (into.wrong ?? 0) + (l.wrong ?? 0);
    into.engineMs.push(...l.engineMs);
    if (into.engineMs.length > LATENCY_SAMPLES) into.engineMs.splice(0, into.engineMs.length - LATENCY_SAMPLES);
  }
  return base;
}

/** A suggestion shown; `engineMs` when the engine computed it (null when it came from the type-through cache). */
export function recordShown(stats: StatsFile, languageId: string, engineMs: number | null): void {
  const l = language(stats, languageId);
  l.shown++;
  if (engineMs === null) return;
  l.engineMs.push(Math.round(engineMs * 10) / 10);
  if (l.engineMs.length > LATENCY_SAMPLES) l.engineMs.splice(0, l.engineMs.length - LATENCY_SAMPLES);
}

export function recordAccepted(stats: StatsFile, languageId: string, chars: number): void {
  const l = language(stats, languageId);
  l.accepted++;
  l.charsSaved += chars;
}

/** A word or line of a suggestion taken (partialAccept.ts); its characters are saved too. */
export function recordPartlyAccepted(stats: StatsFile, languageId: string, chars: number): void {
  const l = language(stats, languageId);
  l.partlyAccepted = (l.partlyAccepted ?? 0) + 1;
  l.charsSaved += chars;
}

/** Characters the user typed in a document of this language. */
export function recordTyped(stats: StatsFile, languageId: string, chars: number): void {
  const l = language(stats, languageId);
  l.typedChars = (l.typedChars ?? 0) + chars;
}

/** A shown suggestion that a typed character contradicted. */
export function recordWrong(stats: StatsFile, languageId: string): void {
  const l = language(stats, languageId);
  l.wrong = (l.wrong ?? 0) + 1;
}

const median = (v: readonly number[]): number | null => {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

/** One line per language and a total, for the status bar tooltip and the statistics view. */
/**
 * The replay's two figures for the user's own typing: the share of the characters written that suggestions wrote
 * (charsSaved / (typed + saved)), and wrong suggestions per 100 characters written; null before anything was written.
 */
export function typingFigures(c: { charsSaved: number; typedChars: number; wrong: number }): { spared: number | null; wrongPer100: number | null } {
  const written = c.charsSaved + c.typedChars;
  return written === 0 ? { spared: null, wrongPer100: null } : { spared: c.charsSaved / written, wrongPer100: (100 * c.wrong) / written };
}

export function summarize(stats: StatsFile): {
  rows: { language: string; shown: number; accepted: number; partlyAccepted: number; acceptRate: number | null; charsSaved: number; typedChars: number; wrong: number; spared: number | null; wrongPer100: number | null; medianEngineMs: number | null }[];
  total: { shown: number; accepted: number; partlyAccepted: number; charsSaved: number; typedChars: number; wrong: number; spared: number | null; wrongPer100: number | null };
} {
  const rows = Object.entries(stats.languages)
    .map(([id, l]) => {
      const counts = { charsSaved: l.charsSaved, typedChars: l.typedChars ?? 0, wrong: l.wrong ?? 0 };
      return { language: id, shown: l.shown, accepted: l.accepted, partlyAccepted: l.partlyAccepted ?? 0, acceptRate: l.shown ? l.accepted / l.shown : null, ...counts, ...typingFigures(counts), medianEngineMs: median(l.engineMs) };
    })
    .sort((a, b) => b.shown - a.shown || a.language.localeCompare(b.language));
  const sums = rows.reduce(
    (t, r) => ({ shown: t.shown + r.shown, accepted: t.accepted + r.accepted, partlyAccepted: t.partlyAccepted + r.partlyAccepted, charsSaved: t.charsSaved + r.charsSaved, typedChars: t.typedChars + r.typedChars, wrong: t.wrong + r.wrong }),
    { shown: 0, accepted: 0, partlyAccepted: 0, charsSaved: 0, typedChars: 0, wrong: 0 },
  );
  return { rows, total: { ...sums, ...typingFigures(sums) } };
}
