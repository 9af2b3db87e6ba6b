// Reads source files from folders for training and evaluation with the one file policy the extension's fine-tune
// uses (src/workspace/filePolicy.ts): .gitignore rules, lock files, secrets by name and by content, binary,
// minified or generated text, size (checked before a file is read) and a corpus cap. Dependencies and build
// output are not walked at all.
import { promises as fs } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { SourceFile } from '../model/training/dataset';
import { CandidateFile, GitignoreRules, MAX_PATH_DEPTH, SelectedFile, selectFiles, SkipReason as PolicyReason } from '../workspace/filePolicy';
import { SOURCE_EXTENSIONS } from '../shared/language';

/** The source files' suffixes as extname gives them. */
const SOURCE_SUFFIXES = new Set(SOURCE_EXTENSIONS.map((e) => `.${e}`));
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '__pycache__', '.venv', 'venv']);

export interface CorpusOptions {
  /** Largest file read, in bytes; larger ones are skipped without being read. */
  maxFileBytes?: number;
  maxTotalChars?: number;
}

export interface SkipReason {
  path: string;
  reason: PolicyReason | 'not a regular file' | `cannot be read (${string})`;
}

/** Every source file under `roots` that the file policy lets a model learn from, in path order, and the rest with why. */
export async function readCorpus(roots: string[], options: CorpusOptions = {}): Promise<{ files: SourceFile[]; skipped: SkipReason[] }> {
  const limits = { maxFileBytes: options.maxFileBytes ?? 200_000, maxTotalChars: options.maxTotalChars ?? Infinity };
  const files: SourceFile[] = [];
  const skipped: SkipReason[] = [];
  let total = 0;
  for (const root of roots) {
    const { candidates, gitignores, odd } = await walk(root);
    skipped.push(...odd);
    // Each root is matched against its own .gitignore files, with paths relative to it.
    const selection = await selectFiles(candidates, new GitignoreRules(gitignores), { ...limits, maxTotalChars: limits.maxTotalChars - total });
    for (const f of selection.files) {
      files.push(toSource(root, f));
      total += f.text.length;
    }
    skipped.push(...selection.skipped.map((s) => ({ path: join(root, s.path), reason: s.reason })));
  }
  return { files, skipped };
}

/**
 * Why a corpus read of a folder would not take the file at `rel` (relative to the folder, '/'-separated) by its
 * path alone (a folder that is never walked, a suffix that is not a source file's), or null.
 */
export function skippedByPath(rel: string): string | null {
  const folders = rel.split('/').slice(0, -1);
  if (folders.some((d) => SKIPPED_DIRS.has(d) || d.startsWith('.'))) return 'in a folder that is never read (dependencies, build output, hidden)';
  if (!SOURCE_SUFFIXES.has(extname(rel))) return 'not a source file';
  if (folders.length > MAX_PATH_DEPTH) return 'nested too deep';
  return null;
}

/** The .gitignore rules of a folder, keyed by paths relative to it, as readCorpus applies them. */
export async function gitignoreRulesOf(root: string): Promise<GitignoreRules> {
  return new GitignoreRules((await walk(root)).gitignores);
}

const toSource = (root: string, f: SelectedFile): SourceFile => ({ path: join(root, f.path), text: f.text, family: f.family });
const posix = (p: string): string => p.split(sep).join('/');

async function walk(root: string): Promise<{ candidates: CandidateFile[]; gitignores: { path: string; content: string }[]; odd: SkipReason[] }> {
  const candidates: CandidateFile[] = [];
  const gitignores: { path: string; content: string }[] = [];
  const odd: SkipReason[] = [];
  // One entry that cannot be read (a name that is not valid UTF-8, a path past the system's limit, a folder
  // without permission) is skipped with its reason; it never ends the whole walk.
  const unreadable = (p: string, e: unknown): void => {
    odd.push({ path: p, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
  };
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_PATH_DEPTH) {
      odd.push({ path: dir, reason: 'nested too deep' });
      return;
    }
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (depth === 0) throw e; // the folder the user named: say so, not skip it
      unreadable(dir, e);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      const rel = posix(relative(root, p));
      try {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) await visit(p, depth + 1);
        } else if (e.name === '.gitignore' && e.isFile()) {
          gitignores.push({ path: rel, content: await fs.readFile(p, 'utf8') });
        } else if (SOURCE_SUFFIXES.has(extname(e.name))) {
          // A link, a FIFO or a device under a source name is never opened: it could hang or never end.
          if (!e.isFile()) { odd.push({ path: p, reason: 'not a regular file' }); continue; }
          const bytes = (await fs.stat(p)).size;
          candidates.push({ path: rel, bytes, read: () => fs.readFile(p) });
        }
      } catch (err) {
        unreadable(p, err);
      }
    }
  };
  await visit(root, 0);
  return { candidates, gitignores, odd };
}
