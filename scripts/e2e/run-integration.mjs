// Route B: runs the bundled mocha suite inside code-server's real extension host via the workbench `payload`,
// streams mocha's output to stdout and exits with the code the workbench reports through codeAutomationExit.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, startCodeServer } from './codeServer.mjs';
import {
  copyWorkspace, createCleanup, ensureArtifactsDir, extensionDir, extensionTestsPath, repoRoot, runTimeoutMs, withTimeout,
} from './common.mjs';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`[e2e] ${message}`);

if (!existsSync(extensionTestsPath)) {
  console.error(`[e2e] ${relative(repoRoot, extensionTestsPath)} does not exist: build the integration tests first (npm run build).`);
  process.exit(1);
}

const verbose = process.env.SEQ2SEQ_E2E_VERBOSE === '1';
/** Workbench start-up chatter and the offline gallery's errors (harmless); still kept in integration-output.log. */
const workbenchNoise =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost:|\[AccountPolicyGate\])|ENOTFOUND open-vsx\.org/;

/** vscode-remote URI on the page's own authority; plain paths or file:// find no extension host and never exit. */
const remoteUri = (authority, path) => `vscode-remote://${authority}${path.split('/').map(encodeURIComponent).join('/')}`;

async function main(cleanup) {
  const artifacts = ensureArtifactsDir();
  const resultsPath = join(artifacts, 'integration-results.json');
  rmSync(resultsPath, { force: true });
  const { workspace, remove } = copyWorkspace();
  cleanup.add(remove);

  const server = await startCodeServer({
    workspace,
    smokeTestDriver: true,
    logFile: join(artifacts, 'integration-code-server.log'),
    onStop: cleanup.add,
  });
  say(`code-server ready at ${server.url} (${elapsed()})`);

  const browser = await launchBrowser();
  cleanup.add(() => browser.close());
  const page = await browser.newPage();
  const pageConsole = [];
  page.on('console', (message) => pageConsole.push(`[${message.type()}] ${message.text()}`));
  cleanup.add(() => writeFileSync(join(artifacts, 'integration-page-console.log'), pageConsole.join('\n') + '\n'));

  // Both bindings must exist before the workbench loads, or its first calls are lost.
  let reportExit;
  const exitCode = new Promise((resolve) => (reportExit = resolve));
  const output = [];
  cleanup.add(() => writeFileSync(join(artifacts, 'integration-output.log'), output.join('\n') + '\n'));
  await page.exposeFunction('codeAutomationLog', (_level, args) => {
    // args is a console.log argument list: mocha's reporter and the extension's logs, mixed with workbench logs.
    const line = format(...(Array.isArray(args) ? args : [args]));
    output.push(line);
    if (verbose || !workbenchNoise.test(line)) process.stdout.write(line + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));

  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', remoteUri(authority, extensionDir)],
    ['extensionTestsPath', remoteUri(authority, extensionTestsPath)],
    // SEQ2SEQ_TEST_GREP=<text> runs only the tests whose title holds it (while working on one).
    ['extensionEnvironment', JSON.stringify({ SEQ2SEQ_TEST_WORKSPACE: workspace, SEQ2SEQ_TEST_RESULTS: resultsPath, SEQ2SEQ_TEST_GREP: process.env.SEQ2SEQ_TEST_GREP ?? '' })],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say(`running ${relative(repoRoot, extensionTestsPath)} for ${relative(repoRoot, extensionDir) || '.'}`);
  await page.goto(url);

  const code = await exitCode;
  if (existsSync(resultsPath)) say(`results written by the suite: ${summarise(readFileSync(resultsPath, 'utf8'))}`);
  say(`tests ${code === 0 ? 'passed' : `failed (exit code ${code})`} after ${elapsed()}`);
  return code;
}

/** One line from the suite's JSON results file, whatever its shape. */
function summarise(text) {
  try {
    const results = JSON.parse(text);
    const counts = ['passes', 'failures', 'pending'].filter((key) => typeof results[key] === 'number');
    if (counts.length > 0) return counts.map((key) => `${key}=${results[key]}`).join(' ');
    return JSON.stringify(results).slice(0, 300);
  } catch {
    return `unparsable (${text.length} chars)`;
  }
}

const cleanup = createCleanup();
let code = 1;
try {
  code = await withTimeout(
    main(cleanup),
    runTimeoutMs,
    'waiting for the test run to finish (no codeAutomationExit: did run() hang, or is the payload wrong?)',
  );
} catch (error) {
  console.error(`[e2e] integration run failed: ${error.message}`);
  console.error('[e2e] see .test-artifacts/integration-{output,code-server,page-console}.log');
} finally {
  await cleanup.runAll();
}
process.exit(cleanup.interrupted ? 130 : code);
