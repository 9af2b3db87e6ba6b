// Reads source files from folders for training and evaluation, skipping what would teach the model noise:
// dependencies, build output, binary, minified or generated files and oversized files.
import { promises as fs } from 'node:fs';
import { extname, join } from 'node:path';
import type { SourceFile } from '../model/training/dataset';
import { familyOfPath } from '../shared/language';

export const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.py', '.pyi']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '__pycache__', '.venv', 'venv']);

export interface CorpusOptions {
  maxFileBytes?: number;
  maxTotalChars?: number;
}

export interface SkipReason {
  path: string;
  reason: string;
}

/** Why a file's text is unfit for training, or null when it is fine. */
export function unfitReason(path: string, text: string, maxFileBytes: number): string | null {
  if (text.length > maxFileBytes) return `larger than ${maxFileBytes} bytes`;
  if (text.includes('\u0000')) return 'binary';
  if (/\.min\.[cm]?js$/.test(path) || /\.d\.ts$/.test(path)) return 'generated (by name)';
  const lines = text.split('\n');
  const longest = lines.reduce((m, l) => Math.max(m, l.length), 0);
  if (longest > 1000) return `minified or generated (a line of ${longest} characters)`;
  const letters = (text.match(/[A-Za-z]/g) ?? []).length;
  if (text.length > 200 && letters / text.length < 0.25) return 'mostly non-letters (data or generated)';
  return null;
}

export async function readCorpus(
  roots: string[],
  options: CorpusOptions = {},
): Promise<{ files: SourceFile[]; skipped: SkipReason[] }> {
  const maxFileBytes = options.maxFileBytes ?? 200_000;
  const maxTotal = options.maxTotalChars ?? Infinity;
  const files: SourceFile[] = [];
  const skipped: SkipReason[] = [];
  let total = 0;
  for (const root of roots) {
    const paths: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(p);
        } else if (e.isFile() && SOURCE_EXTENSIONS.has(extname(e.name))) paths.push(p);
      }
    };
    await walk(root);
    for (const p of paths) {
      const text = (await fs.readFile(p, 'utf8')).replace(/\r\n?/g, '\n');
      const why = unfitReason(p, text, maxFileBytes);
      if (why) { skipped.push({ path: p, reason: why }); continue; }
      if (total + text.length > maxTotal) { skipped.push({ path: p, reason: 'corpus size cap reached' }); continue; }
      total += text.length;
      files.push({ path: p, text, family: familyOfPath(p) });
    }
  }
  return { files, skipped };
}
