// Character vocabulary: printable ASCII, tab and newline, reserved START / END / UNK, and one marker per
// language family. Serialised as plain JSON beside the weights so a model file says what it can read.
import { LANGUAGE_FAMILIES, LanguageFamily } from '../../shared/language';
import { normaliseLineEnds } from '../../shared/window';

export interface VocabularyJson {
  chars: string[];
  specials: string[];
}

export const START = '<start>';
export const END = '<end>';
export const UNK = '<unk>';
const MARKER_PREFIX = '<lang:';

function defaultChars(): string[] {
  const chars = ['\t', '\n'];
  for (let code = 32; code <= 126; code++) chars.push(String.fromCharCode(code));
  return chars;
}

export class Vocabulary {
  readonly size: number;
  readonly startId: number;
  readonly endId: number;
  readonly unkId: number;
  private readonly charToId = new Map<string, number>();
  private readonly markerIds = new Map<LanguageFamily, number>();

  constructor(readonly chars: readonly string[], readonly specials: readonly string[]) {
    chars.forEach((ch, i) => {
      if (ch.length !== 1) throw new Error(`vocabulary entry ${JSON.stringify(ch)} is not a single character`);
      if (this.charToId.has(ch)) throw new Error(`vocabulary lists ${JSON.stringify(ch)} twice`);
      this.charToId.set(ch, i);
    });
    const specialId = (name: string): number => {
      const at = specials.indexOf(name);
      if (at < 0) throw new Error(`vocabulary lacks the special token ${name}`);
      return chars.length + at;
    };
    this.startId = specialId(START);
    this.endId = specialId(END);
    this.unkId = specialId(UNK);
    for (const family of LANGUAGE_FAMILIES) this.markerIds.set(family, specialId(`${MARKER_PREFIX}${family}>`));
    this.size = chars.length + specials.length;
  }

  static createDefault(): Vocabulary {
    const specials = [START, END, UNK, ...LANGUAGE_FAMILIES.map((f) => `${MARKER_PREFIX}${f}>`)];
    return new Vocabulary(defaultChars(), specials);
  }

  static fromJson(json: unknown): Vocabulary {
    const v = json as Partial<VocabularyJson> | null;
    if (!v || !Array.isArray(v.chars) || !Array.isArray(v.specials)) {
      throw new Error('vocabulary must be an object with "chars" and "specials" arrays');
    }
    return new Vocabulary(v.chars.map(String), v.specials.map(String));
  }

  toJson(): VocabularyJson {
    return { chars: [...this.chars], specials: [...this.specials] };
  }

  /** True when both vocabularies map every token to the same id. */
  equals(other: Vocabulary): boolean {
    return JSON.stringify(this.toJson()) === JSON.stringify(other.toJson());
  }

  markerId(family: LanguageFamily): number {
    return this.markerIds.get(family) ?? this.unkId;
  }

  /** Normalises line endings so CRLF files read like LF files. */
  static normalise(text: string): string {
    return normaliseLineEnds(text);
  }

  idOf(ch: string): number {
    return this.charToId.get(ch) ?? this.unkId;
  }

  encode(text: string): number[] {
    const ids: number[] = new Array(text.length);
    for (let i = 0; i < text.length; i++) ids[i] = this.idOf(text[i] as string);
    return ids;
  }

  /** The character for an id, or '' for special tokens. */
  charOf(id: number): string {
    return id < this.chars.length ? (this.chars[id] as string) : '';
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.charOf(id)).join('');
  }
}
