// How the extension names workspace files for the file policy (src/workspace/filePolicy.ts) and where it reads the
// rules from: the workspace's exclude settings and .gitignore files. Used by the fine-tune's discovery and by the
// other-files context, so both let in exactly the same files.
import * as vscode from 'vscode';
import { GitignoreRules } from '../workspace/filePolicy';

/**
 * Schemes whose documents are the user's files (not output panes or git's old versions): on disk, untitled, and in
 * a browser host the remote workspace's (code-server) or a repository's (github.dev).
 */
const USER_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

export const isUserDocument = (document: vscode.TextDocument): boolean => USER_SCHEMES.has(document.uri.scheme);

/** files.exclude and search.exclude (both honoured) plus the user's own exclude glob (seq2seq.fineTune.exclude). */
function excludePatterns(extra: string): string[] {
  const patterns: string[] = [];
  for (const section of ['files', 'search']) {
    const map = vscode.workspace.getConfiguration(section).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, on] of Object.entries(map)) if (on === true) patterns.push(glob);
  }
  if (extra.trim()) patterns.push(extra.trim());
  return patterns;
}

/** The exclude patterns as one glob, for a file search. */
export function excludeGlob(extra = ''): string | undefined {
  const patterns = excludePatterns(extra);
  return patterns.length ? `{${patterns.join(',')}}` : undefined;
}

/**
 * The same exclusion for one open document, as the file search applies it: a pattern excludes the files it names
 * and everything under a folder it names (`**\/node_modules` leaves out node_modules/a.js), relative to the
 * document's own workspace folder. Null when the document is let in.
 */
export function excludedBySettings(document: vscode.TextDocument, extra = ''): string | null {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder) return null;
  for (const glob of excludePatterns(extra)) {
    for (const pattern of [glob, `${glob}/**`]) {
      if (vscode.languages.match({ pattern: new vscode.RelativePattern(folder, pattern) }, document) > 0) return `excluded by ${glob}`;
    }
  }
  return null;
}

/**
 * A file's path relative to its own workspace folder, under the folder's name when there are several, so each
 * folder's files meet only that folder's .gitignore rules; null for a file outside every folder.
 */
export function policyPath(uri: vscode.Uri): string | null {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return null;
  // URI paths, not file paths: the same in a browser host and on any OS.
  const root = folder.uri.path.replace(/\/+$/, '');
  const inFolder = uri.path.slice(root.length).replace(/^\/+/, '');
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.index}-${folder.name}/${inFolder}` : inFolder;
}

/**
 * At most this many .gitignore files are read; past it the rules are not applied half-way: the fine-tune refuses
 * and the other-files context lets no workspace file in (a rule never read could let a private file in).
 */
export const MAX_GITIGNORES = 5_000;

/**
 * The workspace's .gitignore rules, keyed like policyPath, or null when there are more than MAX_GITIGNORES files.
 * `token` stops the search (the fine-tune's Cancel).
 */
export async function workspaceGitignoreRules(exclude: string | undefined, token?: vscode.CancellationToken): Promise<GitignoreRules | null> {
  const uris = await vscode.workspace.findFiles('**/.gitignore', exclude, MAX_GITIGNORES + 1, token);
  return uris.length > MAX_GITIGNORES ? null : readGitignoreRules(uris);
}

/** Reads the .gitignore files found by a search into rules keyed like policyPath. */
async function readGitignoreRules(uris: readonly vscode.Uri[]): Promise<GitignoreRules> {
  const decoder = new TextDecoder();
  const files = await Promise.all(uris.map(async (u) => ({ path: policyPath(u) ?? u.path, content: decoder.decode(await vscode.workspace.fs.readFile(u)) })));
  return new GitignoreRules(files);
}
