// VS Code for the Web, in a real browser host: installs the packaged VSIX into a fresh code-server whose settings
// run the extension in the workbench's web worker extension host (remote.extensionKind: web, as vscode.dev or
// github.dev would, having no Node host), opens Chromium on it and checks what a user sees there: activation with
// the engine in its own Web Worker, the first ghost text after opening a file, Tab accept, ghost text key by key
// against `suggest`, the statistics and the encoder-state panel. Then keydown-to-ghost-text on the same typing trace in the
// browser host and in the Node host, in the same run (SEQ2SEQ_WEB_FALLBACK=1: also with the engine on the browser
// host's own thread).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbenchPage } from './codeServer.mjs';
import { copyWorkspace, createCleanup, ensureArtifactsDir, pollFile, repoRoot, runTimeoutMs, withTimeout } from './common.mjs';
import { keyByKeyCheck, readGhost, workspaceMemorySent, writeKeyFiles } from './keysCheck.mjs';
import { analyseTrace, installProbes, takeProbes, TRACE_FILE, typeTrace, writeTraceFile } from './latencyTrace.mjs';
import { panelFrame, runCommand, waitForPanel } from './panel.mjs';

const EXTENSION_ID = 'seq2seq-complete.seq2seq-complete';
const BROWSER_HOST = { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } };
const fileName = 'sample.ts';
const prefix = '\nexport function sub(a: number, b: num';
const stepTimeoutMs = 60_000;
/** A user who starts typing as soon as the file is open: a key every 150 ms. */
const OPENING_KEY_GAP_MS = 150;
const started = Date.now();
const ms = {};
const mark = (name) => (ms[name] = Date.now() - started);
const say = (message) => console.error(`[e2e] ${message}`);

/** A workbench on a fresh copy of the fixture workspace, with the trace's file and the key-by-key files in it. */
async function openSession(name, settings, cleanup) {
  const artifacts = ensureArtifactsDir();
  const vsix = join(repoRoot, 'dist/seq2seq-complete.vsix');
  if (!existsSync(vsix)) throw new Error('dist/seq2seq-complete.vsix not found: run npm run package first');
  const { workspace, remove } = copyWorkspace();
  cleanup.add(remove);
  writeTraceFile(join(workspace, TRACE_FILE));
  writeKeyFiles(workspace);
  const { server, page, pageConsole } = await openWorkbenchPage({ workspace, vsix, settings, artifacts, name, viewport: { width: 1400, height: 900 }, cleanup, timeoutMs: stepTimeoutMs });
  const thread = pageConsole.waitFor('[seq2seq] engine thread:', "the browser host's '[seq2seq] engine thread' log");
  const engineReady = pageConsole.waitFor('[seq2seq] engine ready', "the extension's '[seq2seq] engine ready' log");
  // When each line arrived (epoch ms), to split the first ghost text's wait.
  const at = {};
  for (const [name, line] of [['activated', '[seq2seq] activated'], ['engineReady', '[seq2seq] engine ready']]) {
    pageConsole.waitFor(line, line).then(() => (at[name] = Date.now()), () => {});
  }
  thread.catch(() => {});
  engineReady.catch(() => {});
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: stepTimeoutMs });
  return { page, pageConsole, workspace, thread, engineReady, at };
}

/** Opens a file and types the prefix at once, a key every OPENING_KEY_GAP_MS: ms from the open to the first ghost text. */
async function firstGhostAfterOpening(page) {
  await openFile(page, fileName, stepTimeoutMs);
  const opened = Date.now();
  firstGhostAfterOpening.opened = opened;
  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.press('Control+End');
  let first = null;
  for (const ch of prefix) {
    if (ch === '\n') await page.keyboard.press('Enter');
    else await page.keyboard.type(ch);
    await new Promise((r) => setTimeout(r, OPENING_KEY_GAP_MS));
    if (first === null && (await readGhost(page)).trim() !== '') first = Date.now() - opened;
  }
  return first;
}

/** The typing trace in its own file at the shipped settings: keydown-to-ghost-text figures. */
async function traceLatency(page) {
  await openFile(page, TRACE_FILE, stepTimeoutMs);
  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await installProbes(page);
  await typeTrace(page);
  // The page's probes are the figure; the provider's own records are printed only by the Node host's test run.
  return analyseTrace(await takeProbes(page), []);
}

async function browserSession(cleanup) {
  const { page, pageConsole, workspace, thread, engineReady, at } = await openSession('web', BROWSER_HOST, cleanup);
  const firstGhostMs = await firstGhostAfterOpening(page);
  mark('firstGhost');
  const threadLine = await thread;
  await engineReady;
  const opened = firstGhostAfterOpening.opened;
  const openingMs = { activated: at.activated - opened, engineReady: at.engineReady - opened, firstGhost: firstGhostMs };
  if (!threadLine.includes('engine thread: worker')) throw new Error(`the engine did not run in its own Web Worker: ${threadLine}`);
  const logs = pageConsole.lines.join('\n');
  if (/\[seq2seq\] engine thread/.test(logs) === false) throw new Error('the extension did not run in the browser extension host');
  say(`browser host: engine in a Web Worker; after opening ${fileName}, ms: ${JSON.stringify(openingMs)}`);

  // Tab takes the suggestion at the end of the prefix; saved, the file holds it.
  await page.waitForSelector('.ghost-text-decoration', { timeout: 15_000 }).catch(async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(prefix.slice(-1));
    await page.waitForSelector('.ghost-text-decoration', { timeout: 15_000 });
  });
  const ghost = (await readGhost(page)).split('\n')[0];
  await page.keyboard.press('Tab');
  const savedAt = pageConsole.lines.length;
  await page.keyboard.press('Control+S');
  const expected = prefix.split('\n').at(-1) + ghost;
  if (!ghost.trim() || !(await pollFile(join(workspace, fileName), expected, 10_000))) throw new Error(`${fileName} never held ${JSON.stringify(expected)} after Tab and Control+S`);
  mark('accepted');

  // CLI = editor, key by key, as in the Node host's UI test, once the saved file is in the workspace memory.
  say(await workspaceMemorySent(pageConsole, savedAt, stepTimeoutMs));
  const keys = await keyByKeyCheck(page, workspace, [fileName], stepTimeoutMs);
  writeFileSync(join(ensureArtifactsDir(), 'web-keys.json'), JSON.stringify(keys, null, 2) + '\n');
  say(`key by key in the browser host: ${JSON.stringify(keys.all)}`);
  mark('keys');

  // The local statistics counted what was shown and typed here (kept in the browser host's own storage).
  await runCommand(page, 'Seq2Seq: Show Statistics', stepTimeoutMs);
  await page.waitForSelector('.tabs-container .tab.active[aria-label*="Seq2Seq Statistics"]', { timeout: stepTimeoutMs });
  const statistics = await page.waitForFunction(() => {
    const text = document.querySelector('.editor-instance .view-lines')?.textContent?.replaceAll('\u00a0', ' ') ?? '';
    return /\| typescript \| [1-9]/.test(text) && /\| python \| [1-9]/.test(text) ? text : null;
  }, null, { timeout: stepTimeoutMs }).then((h) => h.jsonValue()).catch(() => null);
  if (!statistics) throw new Error('Seq2Seq: Show Statistics did not list suggestions shown in typescript and python');
  mark('statistics');

  // The encoder-state panel draws the engine's trace.
  await openFile(page, fileName, stepTimeoutMs);
  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nexport function mul');
  await runCommand(page, 'Seq2Seq: Show Encoder State', stepTimeoutMs);
  const panel = await waitForPanel(page, await panelFrame(page, stepTimeoutMs), (p) => p.contentVisible && p.text.endsWith('export function mul'), 'the panel to draw a trace', stepTimeoutMs);
  if (panel.colours < 10) throw new Error(`the panel's heatmap looks blank (${panel.colours} colours)`);
  await page.screenshot({ path: join(ensureArtifactsDir(), 'web-panel.png') });
  mark('panel');
  // Closed again before the trace: an open panel asks the engine for a trace after each key.
  await runCommand(page, 'File: Save All', stepTimeoutMs);
  await runCommand(page, 'View: Close All Editor Groups', stepTimeoutMs);

  const latency = await traceLatency(page);
  mark('trace-web');
  return { firstGhostMs, openingMs, keys: { all: keys.all, perFile: keys.perFile }, panel: { width: panel.width, height: panel.height, colours: panel.colours }, latency };
}

async function latencySession(name, settings, cleanup) {
  const { page, thread, engineReady } = await openSession(name, settings, cleanup);
  await openFile(page, fileName, stepTimeoutMs);
  await engineReady;
  const threadLine = name === 'node' ? null : await thread;
  const latency = await traceLatency(page);
  mark(`trace-${name}`);
  return { thread: threadLine && threadLine.slice(threadLine.indexOf('engine thread:')), latency };
}

async function main() {
  const result = {};
  // One workbench at a time: each session's server and browser are gone before the next starts.
  for (const [name, run] of [
    ['web', (c) => browserSession(c)],
    ['node', (c) => latencySession('node', {}, c)],
    ...(process.env.SEQ2SEQ_WEB_FALLBACK === '1' ? [['webHostThread', (c) => latencySession('webHostThread', { ...BROWSER_HOST, 'seq2seq.browserEngineThread': 'host' }, c)]] : []),
  ]) {
    const cleanup = createCleanup();
    try {
      result[name] = await run(cleanup);
    } finally {
      await cleanup.runAll();
    }
  }
  const web = result.web.latency.newAfterPauseMs;
  const node = result.node.latency.newAfterPauseMs;
  result.p95Ratio = web.p95 && node.p95 ? Math.round((web.p95 / node.p95) * 100) / 100 : null;
  result.ms = ms;
  writeFileSync(join(ensureArtifactsDir(), 'web-ui.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ openingMs: result.web.openingMs, keys: result.web.keys.all, web, node, p95Ratio: result.p95Ratio, webHostThread: result.webHostThread?.latency.newAfterPauseMs, ms }));
  // Loose checks (a shared 2-core machine is noisy); the figures go to docs/figures.md.
  if (!(result.web.keys.all.share >= 0.9)) throw new Error(`ghost text on ${result.web.keys.all.both} of the ${result.web.keys.all.cliKeys} keys that suggest answers, in the browser host`);
  if (result.web.firstGhostMs === null || result.web.firstGhostMs > 10_000) throw new Error(`no ghost text within 10 s of opening a file (${result.web.firstGhostMs} ms)`);
  if (web.n < 10) throw new Error(`only ${web.n} pauses showed ghost text in the browser host`);
  return 0;
}

let code = 1;
try {
  code = await withTimeout(main(), runTimeoutMs + 300_000, 'for the browser-host UI test to finish');
  say('browser-host UI test passed; figures in .test-artifacts/web-ui.json');
} catch (error) {
  console.error(`[e2e] browser-host UI test failed: ${error.message}`);
  console.error('[e2e] see .test-artifacts/web-*.log and any screenshots');
}
process.exit(code);
