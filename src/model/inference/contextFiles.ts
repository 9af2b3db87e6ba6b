// The user's other files as copy context: a bounded ring of the documents they opened, edited or saved lately
// (oldest out first, near-duplicate chunks dropped), and one match index over all of them, built a chunk at a
// time in idle time so that no keystroke ever pays for indexing. Pure: the caller decides which files may come
// in (the file policy of src/workspace/filePolicy.ts) and feeds their text.
import { MatchIndex } from './copy';
import { Vocabulary } from '../graph/vocab';

export interface ContextLimits {
  /** Characters kept over all files: oldest files leave first beyond it. */
  maxTotalChars: number;
  /** Characters kept of one file (its beginning): a huge document never crowds out the others. */
  maxFileChars: number;
}

/** A few hundred KB at most (the budget); 64 KB of a file is more than most source files hold. */
export const CONTEXT_LIMITS: ContextLimits = { maxTotalChars: 300_000, maxFileChars: 64_000 };

/** Lines per deduplication chunk: long enough that a shared chunk is a real copy, not a brace or an import. */
const CHUNK_LINES = 8;
/** Chunks with fewer non-blank characters than this are kept even when repeated: they carry local structure. */
const CHUNK_MIN_CHARS = 48;
/**
 * Between files and between chunks that were not adjacent: a character no source text holds, so no match spans
 * two files or a dropped chunk.
 */
const SEPARATOR = '\u0001';
/** Characters indexed per idle slice: about a millisecond of work. */
const INDEX_SLICE_CHARS = 32_000;

interface Entry {
  path: string;
  /** The file's text as given (normalised and capped): the same text again changes nothing. */
  given: string;
  /** What is searched: the file's kept chunks, joined (SEPARATOR where chunks were dropped). */
  text: string;
  /** Hashes of the chunks this entry owns (others with the same hash were dropped as duplicates). */
  chunks: number[];
}

/** Where each file lies in the built index, so a match can be named and the current document skipped. */
interface Built {
  index: MatchIndex;
  starts: number[];
  paths: string[];
}

export interface ContextStats {
  files: number;
  chars: number;
  /** Chunks dropped as copies of chunks already in the ring. */
  droppedChunks: number;
  /** True while the index is older than the ring (it is being rebuilt in idle time). */
  stale: boolean;
  /** Bytes held: the kept texts, the finished index and one being built (strings counted at 2 bytes a character). */
  residentBytes: number;
}

function chunkHash(lines: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const line of lines) {
    const t = line.trim();
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return h >>> 0;
}

export class ContextFiles {
  private entries: Entry[] = []; // oldest first
  /** How many entries own each chunk hash. */
  private readonly owners = new Map<number, number>();
  private droppedChunks = 0;
  private version = 0;
  private built: Built & { version: number } = { index: new MatchIndex(), starts: [], paths: [], version: 0 };
  private building: (Built & { version: number; entries: Entry[]; next: number; offset: number }) | null = null;

  constructor(private readonly limits: ContextLimits = CONTEXT_LIMITS) {}

  /** Adds a file or replaces its earlier text; it becomes the newest. The same text again is a no-op. */
  put(path: string, text: string): void {
    const given = Vocabulary.normalise(text).slice(0, this.limits.maxFileChars);
    if (this.entries.find((e) => e.path === path)?.given === given) return;
    this.remove(path, false);
    const entry = this.dedupe(path, given);
    if (entry.text.replaceAll(SEPARATOR, '').trim() === '') {
      this.release(entry);
    } else {
      this.entries.push(entry);
    }
    let total = this.entries.reduce((n, e) => n + e.text.length, 0);
    while (total > this.limits.maxTotalChars && this.entries.length > 0) {
      const oldest = this.entries.shift() as Entry;
      this.release(oldest);
      total -= oldest.text.length;
    }
    this.version++;
  }

  /** Forgets a file (deleted, or no longer allowed by the policy). */
  remove(path: string, bump = true): void {
    const at = this.entries.findIndex((e) => e.path === path);
    if (at < 0) return;
    this.release(this.entries[at] as Entry);
    this.entries.splice(at, 1);
    if (bump) this.version++;
  }

  /** Forgets every file, the index included: nothing is searched until files come again. */
  clear(): void {
    for (const e of this.entries) this.release(e);
    this.entries = [];
    this.version++;
    this.building = null;
    this.built = { index: new MatchIndex(), starts: [], paths: [], version: this.version };
  }

  get paths(): string[] {
    return this.entries.map((e) => e.path);
  }

  stats(): ContextStats {
    const texts = this.entries.reduce((n, e) => n + 2 * (e.text.length + e.given.length), 0);
    return {
      files: this.entries.length,
      chars: this.entries.reduce((n, e) => n + e.text.length, 0),
      droppedChunks: this.droppedChunks,
      stale: this.built.version !== this.version,
      residentBytes: texts + this.built.index.residentBytes + (this.building?.index.residentBytes ?? 0),
    };
  }

  /** Splits into chunks of lines and keeps those no other file in the ring already holds. */
  private dedupe(path: string, text: string): Entry {
    const lines = text.split('\n');
    const kept: string[] = [];
    const chunks: number[] = [];
    let gap = false;
    for (let i = 0; i < lines.length; i += CHUNK_LINES) {
      const chunk = lines.slice(i, i + CHUNK_LINES);
      const body = chunk.join('\n');
      const substantial = body.replace(/\s+/g, '').length >= CHUNK_MIN_CHARS;
      const hash = chunkHash(chunk);
      if (substantial && (this.owners.get(hash) ?? 0) > 0) {
        this.droppedChunks++;
        gap = true;
        continue;
      }
      if (substantial) {
        this.owners.set(hash, (this.owners.get(hash) ?? 0) + 1);
        chunks.push(hash);
      }
      kept.push(gap ? SEPARATOR + body : body);
      gap = false;
    }
    return { path, given: text, text: kept.join('\n'), chunks };
  }

  private release(entry: Entry): void {
    for (const h of entry.chunks) {
      const n = (this.owners.get(h) ?? 1) - 1;
      if (n > 0) this.owners.set(h, n);
      else this.owners.delete(h);
    }
  }

  /**
   * Indexes up to INDEX_SLICE_CHARS of the ring's current text; true while more remains. Until a build finishes,
   * requests search the last finished index (an older but consistent view of the other files).
   */
  prepare(sliceChars = INDEX_SLICE_CHARS): boolean {
    if (this.built.version === this.version && !this.building) return false;
    if (!this.building || this.building.version !== this.version) {
      const total = this.entries.reduce((n, e) => n + e.text.length + 1, 0);
      this.building = { index: new MatchIndex('', total), starts: [], paths: [], version: this.version, entries: [...this.entries], next: 0, offset: 0 };
    }
    const b = this.building;
    let budget = sliceChars;
    while (budget > 0 && b.next < b.entries.length) {
      const entry = b.entries[b.next] as Entry;
      if (b.offset === 0) {
        b.starts.push(b.index.text.length);
        b.paths.push(entry.path);
      }
      const piece = entry.text.slice(b.offset, b.offset + budget);
      b.index.append(piece);
      budget -= piece.length;
      b.offset += piece.length;
      if (b.offset >= entry.text.length) {
        b.index.append(SEPARATOR);
        b.next++;
        b.offset = 0;
      }
    }
    if (b.next < b.entries.length) return true;
    this.built = { index: b.index, starts: b.starts, paths: b.paths, version: b.version };
    this.building = null;
    return false;
  }

  /** Builds whatever is still to build at once (the CLI and tests; the worker uses prepare() in idle time). */
  prepareAll(): void {
    while (this.prepare(Infinity));
  }

  /**
   * The copy source over the other files, skipping `exceptPath` (the document being edited: its own text comes with
   * the request); null when there is nothing to search.
   */
  source(exceptPath?: string): { index: MatchIndex; skip?: { from: number; to: number }; nameAt: (position: number) => string } | null {
    const { index, starts, paths } = this.built;
    if (index.length === 0) return null;
    const own = exceptPath === undefined ? -1 : paths.indexOf(exceptPath);
    if (own >= 0 && paths.length === 1) return null;
    const nameAt = (position: number): string => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= position) lo = mid;
        else hi = mid - 1;
      }
      return paths[lo] ?? '';
    };
    return {
      index,
      nameAt,
      ...(own >= 0 ? { skip: { from: starts[own] as number, to: (starts[own + 1] as number | undefined) ?? index.text.length } } : {}),
    };
  }
}
