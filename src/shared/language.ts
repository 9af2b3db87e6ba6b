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

const BY_EXTENSION: Record<string, LanguageFamily> = {
  ts: 'ts-js', tsx: 'ts-js', mts: 'ts-js', cts: 'ts-js',
  js: 'ts-js', jsx: 'ts-js', mjs: 'ts-js', cjs: 'ts-js',
  py: 'python', pyi: 'python',
};

/** Maps a VS Code language id (or a family name) to the family whose marker the encoder reads. */
export function familyOfLanguageId(languageId: string | undefined): LanguageFamily {
  if (!languageId) return 'other';
  const id = languageId.toLowerCase();
  if ((LANGUAGE_FAMILIES as readonly string[]).includes(id)) return id as LanguageFamily;
  return BY_ID[id] ?? 'other';
}

/** Maps a file path to its family by extension. */
export function familyOfPath(path: string): LanguageFamily {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return 'other';
  return BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? 'other';
}
