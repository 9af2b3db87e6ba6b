// Settings shared by the e2e runners: repo paths, the SEQ2SEQ_* environment overrides, the per-run
// copy of the fixture workspace, and a cleanup stack that also runs on Ctrl+C.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The extension under test: the repo itself, or e.g. test/fixtures/hello-ext for the harness's smoke test. */
export const extensionDir = resolve(repoRoot, process.env.SEQ2SEQ_EXTENSION_DIR ?? '.');
export const isRepoExtension = extensionDir === repoRoot;

/** Bundled mocha entry exporting run(); the real extension's build puts it in dist/test/integration/. */
export const extensionTestsPath = resolve(
  repoRoot,
  process.env.SEQ2SEQ_EXTENSION_TESTS ?? join(extensionDir, 'dist/test/integration/index.js'),
);

export const fixtureWorkspace = resolve(repoRoot, process.env.SEQ2SEQ_FIXTURE_WORKSPACE ?? 'test/fixtures/workspace');

/** Screenshots, logs and result files; git-ignored. */
export const artifactsDir = join(repoRoot, '.test-artifacts');

/** Whole-run limit in ms; each runner gives up (and cleans up) after this. */
export const runTimeoutMs = Number(process.env.SEQ2SEQ_E2E_TIMEOUT ?? 420) * 1000;

/** Copies the fixture workspace to a fresh temp folder so that tests never modify the repo. */
export function copyWorkspace() {
  if (!existsSync(fixtureWorkspace)) throw new Error(`fixture workspace not found: ${fixtureWorkspace}`);
  const root = mkdtempSync(join(tmpdir(), 'seq2seq-ws-'));
  const workspace = join(root, 'workspace');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  return { workspace, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function ensureArtifactsDir() {
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}

/**
 * LIFO cleanup actions; each runs once even if it throws. Ctrl+C/SIGTERM/SIGHUP run them and exit 130.
 * runAll() returns the same promise to every caller, so a runner whose main() fails because a signal
 * handler closed the browser still waits for the server to be stopped before it exits.
 */
export function createCleanup() {
  const actions = [];
  let running;
  const state = { interrupted: false };
  async function runActions() {
    for (const action of actions.reverse()) {
      try {
        await action();
      } catch (error) {
        console.error(`[e2e] cleanup step failed: ${error.message}`);
      }
    }
  }
  const runAll = () => (running ??= runActions());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`[e2e] ${signal}: cleaning up`);
      state.interrupted = true;
      void runAll().finally(() => process.exit(130));
    });
  }
  return { add: (action) => actions.push(action), runAll, get interrupted() { return state.interrupted; } };
}

/** Rejects after ms with a message saying what was being waited for. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Collects the page console (the extension host's console.log arrives there) and waits for a given line (resolves with it). */
export function watchConsole(page, timeoutMs) {
  const lines = [];
  const waiters = [];
  page.on('console', (message) => {
    const text = message.text();
    lines.push(text);
    for (const waiter of waiters) if (text.includes(waiter.needle)) waiter.resolve(text);
  });
  const waitFor = (needle, what) => {
    const seen = lines.find((line) => line.includes(needle));
    if (seen !== undefined) return Promise.resolve(seen);
    return withTimeout(new Promise((resolve) => waiters.push({ needle, resolve })), timeoutMs, `waiting for ${what}`);
  };
  return { lines, waitFor };
}

/** Whether the file on disk comes to contain `expected` within `timeoutMs` (a save the workbench makes). */
export async function pollFile(path, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readFileSync(path, 'utf8').includes(expected)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
