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
    if (l.partlyAccepted !== undefined && !isCount(l.partlyAccepted)) return null;
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

const median = (v: readonly number[]): number | null => {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

/** One line per language and a total, for the status bar tooltip and the statistics view. */
export function summarize(stats: StatsFile): {
  rows: { language: string; shown: number; accepted: number; partlyAccepted: number; acceptRate: number | null; charsSaved: number; medianEngineMs: number | null }[];
  total: { shown: number; accepted: number; partlyAccepted: number; charsSaved: number };
} {
  const rows = Object.entries(stats.languages)
    .map(([id, l]) => ({ language: id, shown: l.shown, accepted: l.accepted, partlyAccepted: l.partlyAccepted ?? 0, acceptRate: l.shown ? l.accepted / l.shown : null, charsSaved: l.charsSaved, medianEngineMs: median(l.engineMs) }))
    .sort((a, b) => b.shown - a.shown || a.language.localeCompare(b.language));
  const total = rows.reduce(
    (t, r) => ({ shown: t.shown + r.shown, accepted: t.accepted + r.accepted, partlyAccepted: t.partlyAccepted + r.partlyAccepted, charsSaved: t.charsSaved + r.charsSaved }),
    { shown: 0, accepted: 0, partlyAccepted: 0, charsSaved: 0 },
  );
  return { rows, total };
}
