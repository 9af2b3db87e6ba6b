// The names around a model folder, known here only: the folder a save is staged in, where the previous model
// waits during the swap, and the lock a writer holds. src/node/modelFiles.ts writes and reads them; the editor
// host deletes a workspace model and releases a dead thread's lock with them, without loading a model.
import { existsSync, promises as fs } from 'node:fs';

const sibling = (dir: string, suffix: string): string => {
  const cut = Math.max(dir.lastIndexOf('/'), dir.lastIndexOf('\\'));
  return `${dir.slice(0, cut + 1)}.${dir.slice(cut + 1)}.${suffix}`;
};

/** Where a new model is written before it is swapped in; unique per writer and save. */
export const stagingFolder = (dir: string, tag: string): string => sibling(dir, `staging-${tag}`);

/** Where the previous model waits between the two renames of a swap; a crash there is rolled back from it. */
export const swapOldFolder = (dir: string): string => sibling(dir, 'swap-old');

/** The lock file of the one process allowed to write `dir`; it holds the writer's pid. */
export const lockFile = (dir: string): string => sibling(dir, 'lock');

/** The prefix of every staging folder of `dir` (to clear the ones a crashed writer left). */
export const stagingPrefix = (dir: string): string => sibling(dir, 'staging-');

/** The folders a model for `dir` may be in: the folder itself, or its previous version after an interrupted swap. */
export const modelFolderCandidates = (dir: string): string[] => [dir, swapOldFolder(dir)];

/** Removes a model folder with everything a save leaves around it (an interrupted swap's copy, staging folders). */
export async function removeModelFolder(dir: string): Promise<void> {
  for (const d of modelFolderCandidates(dir)) await fs.rm(d, { recursive: true, force: true });
  for (const d of await stagingFolders(dir)) await fs.rm(d, { recursive: true, force: true });
}

/** The staging folders of `dir` that exist now, from any writer. */
export async function stagingFolders(dir: string): Promise<string[]> {
  const prefix = stagingPrefix(dir);
  const cut = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\'));
  const parent = prefix.slice(0, cut) || '.';
  const name = prefix.slice(cut + 1);
  if (!existsSync(parent)) return [];
  return (await fs.readdir(parent)).filter((n) => n.startsWith(name)).map((n) => `${prefix.slice(0, cut + 1)}${n}`);
}

/**
 * Removes `dir`'s lock when process `pid` holds it: for the host after its fine-tune thread ended without releasing
 * it (a crash, a terminate). A thread shares its process's pid, so a lock it left would refuse every later run.
 */
export async function releaseLockOf(dir: string, pid: number): Promise<boolean> {
  const file = lockFile(dir);
  const holder = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (holder !== String(pid)) return false;
  await fs.rm(file, { force: true });
  return true;
}
