// CLI = editor, key by key, in the real workbench: types names that repeat into files (one with CRLF line ends, one
// in Python) about half a second a key, reads after each key whether ghost text is on screen, and asks
// `node dist/cli.js suggest --workspace` (the shipped model, the default settings, the workspace's files as its
// memory) for the same text. The share of the keys the CLI answers that also showed ghost text is the figure; the
// UI test requires at least 90 %.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile } from './codeServer.mjs';
import { repoRoot } from './common.mjs';

/** One file each: a head on disk with a name used a few times, and a line typed after it that uses the name again. */
export const KEY_CASES = [
  {
    file: 'keys-lf.ts',
    language: 'typescript',
    crlf: false,
    head: [
      'export interface ReconnectPolicyOptions { retries: number; delayMs: number; }',
      'export type PartialReconnectPolicyOptions = Partial<ReconnectPolicyOptions>;',
      'export function makeReconnectPolicyOptions(): ReconnectPolicyOptions { return { retries: 3, delayMs: 100 }; }',
      'export const fallbackReconnectPolicyOptions: ReconnectPolicyOptions = makeReconnectPolicyOptions();',
      '',
    ].join('\n'),
    typed: 'export const defaultReconnectPolicyOptions = fallbackReconnectPolicyOptions;',
  },
  {
    file: 'keys-crlf.ts',
    language: 'typescript',
    crlf: true,
    head: [
      'export interface TelemetryBatchSettings { size: number; flushMs: number; }',
      'export type ReadonlyTelemetryBatchSettings = Readonly<TelemetryBatchSettings>;',
      'export function makeTelemetryBatchSettings(): TelemetryBatchSettings { return { size: 20, flushMs: 500 }; }',
      'export const fallbackTelemetryBatchSettings: TelemetryBatchSettings = makeTelemetryBatchSettings();',
      '',
    ].join('\n'),
    typed: 'export const defaultTelemetryBatchSettings = fallbackTelemetryBatchSettings;',
  },
  {
    file: 'keys.py',
    language: 'python',
    crlf: false,
    head: [
      'def make_connection_pool_settings(size):',
      '    return {"size": size}',
      '',
      'fallback_connection_pool_settings = make_connection_pool_settings(4)',
      'shared_connection_pool_settings = fallback_connection_pool_settings',
      '',
    ].join('\n'),
    typed: 'default_connection_pool_settings = shared_connection_pool_settings',
  },
];

const onDisk = (c, text) => (c.crlf ? text.replace(/\n/g, '\r\n') : text);

/** Writes each case's head into the workspace copy. */
export function writeKeyFiles(workspace) {
  for (const c of KEY_CASES) writeFileSync(join(workspace, c.file), onDisk(c, c.head));
}

const KEY_GAP_MS = 500;

/** The ghost text on screen now, '' for none. */
export const readGhost = (page) => page.evaluate(() => Array.from(document.querySelectorAll('.editor-instance .ghost-text-decoration'))
  .map((e) => e.textContent ?? '').join('\n').replaceAll('\u00a0', ' '));

/**
 * Types every case and returns, per key, the text before the cursor and the ghost text then. `opened` lists the
 * files the workbench already had open (their text is in the editor's other-files context).
 */
async function typeCases(page, timeoutMs) {
  const keys = [];
  for (const c of KEY_CASES) {
    await openFile(page, c.file, timeoutMs);
    await page.click('.editor-instance .monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await new Promise((r) => setTimeout(r, 1500)); // the landing and the other files' index, as a user reads first
    for (let i = 0; i < c.typed.length; i++) {
      await page.keyboard.type(c.typed[i]);
      await new Promise((r) => setTimeout(r, KEY_GAP_MS - 20));
      keys.push({ file: c.file, index: i, ghost: await readGhost(page) });
    }
    await page.keyboard.press('Escape');
  }
  return keys;
}

/** Asks `suggest` (on the model the editor serves) for every key's text, with the other documents the editor had as context. */
async function askCli(keys, openedBefore, modelDir, workspace) {
  // The workspace's files are the editor's workspace memory (unless a setting turned it off): `suggest` reads the
  // same folder under the same rules.
  const memory = workspace ? ['--workspace', workspace] : [];
  const child = spawn(process.execPath, [join(repoRoot, 'dist/cli.js'), 'suggest', '--model', modelDir, '--backend', 'wasm', ...memory], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const lines = [];
  // The editor's ring holds each document opened, and each one left after editing with its text then.
  const ring = [...openedBefore];
  let current = null;
  for (const [n, k] of keys.entries()) {
    const c = KEY_CASES.find((x) => x.file === k.file);
    const files = [];
    if (current !== c.file) {
      if (current) {
        const left = KEY_CASES.find((x) => x.file === current);
        ring.push({ path: left.file, text: onDisk(left, left.head + left.typed) });
      }
      ring.push({ path: c.file, text: onDisk(c, c.head) });
      files.push(...ring);
      current = c.file;
    }
    lines.push(JSON.stringify({ id: n, prefix: onDisk(c, c.head) + c.typed.slice(0, k.index + 1), suffix: '', language: c.language, path: c.file, ...(files.length ? { files } : {}) }));
  }
  child.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`suggest exited with ${code}: ${err}`);
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

/**
 * Waits until the extension has given the engine the workspace's files (its '[seq2seq] workspace memory:' console
 * line) after the first `since` console lines: the check compares with `suggest --workspace`, which reads them all.
 */
export async function workspaceMemorySent(pageConsole, since, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = pageConsole.lines.slice(since).find((l) => l.includes('[seq2seq] workspace memory:'));
    if (line) return line;
    if (Date.now() > deadline) throw new Error("timed out waiting for the extension's '[seq2seq] workspace memory:' log");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the check; returns the figures, per file and in all. */
export async function keyByKeyCheck(page, workspace, openedBefore, timeoutMs, modelDir = join(repoRoot, 'models/base'), withMemory = true) {
  const keys = await typeCases(page, timeoutMs);
  const answers = await askCli(keys, openedBefore.map((f) => ({ path: f, text: readFileSync(join(workspace, f), 'utf8') })), modelDir, withMemory ? workspace : null);
  const rows = keys.map((k, n) => ({ ...k, cli: answers[n]?.suggestion ?? '', p: answers[n]?.confidence ?? null }));
  const figures = (subset) => {
    const cli = subset.filter((r) => r.cli !== '');
    const both = cli.filter((r) => r.ghost.trim() !== '');
    return {
      keys: subset.length,
      cliKeys: cli.length,
      editorKeys: subset.filter((r) => r.ghost.trim() !== '').length,
      both: both.length,
      share: cli.length ? Number((both.length / cli.length).toFixed(3)) : null,
      sameText: both.filter((r) => r.ghost.startsWith(r.cli) || r.cli.startsWith(r.ghost)).length,
    };
  };
  const perFile = Object.fromEntries(KEY_CASES.map((c) => [c.file, figures(rows.filter((r) => r.file === c.file))]));
  return { all: figures(rows), perFile, rows };
}
