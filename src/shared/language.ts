// Language families the encoder is conditioned on: one marker token each, read before any context.
export type LanguageFamily = 'ts-js' | 'python' | 'other';

export const LANGUAGE_FAMILIES: readonly LanguageFamily[] = ['ts-js', 'python', 'other'];

const BY_ID: Record<string, LanguageFamily> = {
  typescript: 'ts-js',
  typescriptreact: 'ts-js',
  javascript: 'ts-js',
  javascriptreact: 'ts-js',
  python: 'python',
};

/** The source files the extension learns from and copies from, by extension, and the language each is reported as. */
const LANGUAGE_BY_EXTENSION = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', pyi: 'python',
} as const;

/** Extensions (without the dot) of the source files: the corpus reader's, the fine-tune's default include. */
export const SOURCE_EXTENSIONS: readonly string[] = Object.keys(LANGUAGE_BY_EXTENSION);

export type SourceLanguage = (typeof LANGUAGE_BY_EXTENSION)[keyof typeof LANGUAGE_BY_EXTENSION];

/** The language a file is reported as by its extension (TSX with TypeScript, JSX with JavaScript); 'plaintext' for others. */
export function languageOfPath(path: string): SourceLanguage | 'plaintext' {
  const dot = path.lastIndexOf('.');
  const ext = dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
  return Object.hasOwn(LANGUAGE_BY_EXTENSION, ext) ? LANGUAGE_BY_EXTENSION[ext as keyof typeof LANGUAGE_BY_EXTENSION] : 'plaintext';
}

/** Maps a VS Code language id (or a family name) to the family whose marker the encoder reads. */
export function familyOfLanguageId(languageId: string | undefined): LanguageFamily {
  if (!languageId) return 'other';
  const id = languageId.toLowerCase();
  if ((LANGUAGE_FAMILIES as readonly string[]).includes(id)) return id as LanguageFamily;
  return BY_ID[id] ?? 'other';
}

/** Maps a file path to its family by extension. */
export function familyOfPath(path: string): LanguageFamily {
  return familyOfLanguageId(languageOfPath(path));
}
