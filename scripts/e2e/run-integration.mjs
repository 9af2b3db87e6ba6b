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
  });
  cleanup.add(server.stop);
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
  await page.exposeFunction('codeAutomationLog', (_level, args) => {
    // args is console.log's argument list from the extension host: mocha's reporter and the extension's own logs.
    process.stdout.write(format(...(Array.isArray(args) ? args : [args])) + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));

  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', remoteUri(authority, extensionDir)],
    ['extensionTestsPath', remoteUri(authority, extensionTestsPath)],
    ['extensionEnvironment', JSON.stringify({ SEQ2SEQ_TEST_WORKSPACE: workspace, SEQ2SEQ_TEST_RESULTS: resultsPath })],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say(`running ${relative(repoRoot, extensionTestsPath)} for ${relative(repoRoot, extensionDir) || '.'}`);
  await page.goto(url);

  const code = await withTimeout(
    exitCode,
    runTimeoutMs - (Date.now() - started),
    'waiting for the test run to finish (no codeAutomationExit: did run() hang, or is the payload wrong?)',
  );
  if (existsSync(resultsPath)) say(`results summary: ${readFileSync(resultsPath, 'utf8').trim().slice(0, 500)}`);
  say(`tests ${code === 0 ? 'passed' : `failed (exit code ${code})`} after ${elapsed()}`);
  return code;
}

const cleanup = createCleanup();
let code = 1;
try {
  code = await main(cleanup);
} catch (error) {
  console.error(`[e2e] integration run failed: ${error.message}`);
  console.error('[e2e] see .test-artifacts/integration-code-server.log and integration-page-console.log');
} finally {
  await cleanup.runAll();
}
process.exit(code);
