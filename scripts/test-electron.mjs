// Runs the integration suite in a downloaded desktop VS Code via @vscode/test-electron, for machines with
// internet access. Offline, the download fails at once; scripts/e2e/run-integration.mjs is the offline route.
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  copyWorkspace, ensureArtifactsDir, extensionDir, extensionTestsPath, repoRoot,
} from './e2e/common.mjs';

const offlineCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH']);

/** True when the error (or a cause it wraps) is a failed network request, i.e. VS Code was not downloaded. */
function isNetworkError(error) {
  for (let e = error; e; e = e.cause) {
    if (offlineCodes.has(e.code) || [...offlineCodes].some((code) => String(e.message ?? e).includes(code))) return true;
  }
  return false;
}

if (!existsSync(extensionTestsPath)) {
  console.error(`[e2e] ${relative(repoRoot, extensionTestsPath)} does not exist: build the integration tests first (npm run build).`);
  process.exit(1);
}

const resultsPath = join(ensureArtifactsDir(), 'integration-results.json');
rmSync(resultsPath, { force: true });
const { workspace, remove } = copyWorkspace();
// As in code-server's runs (scripts/e2e/codeServer.mjs): the background learner stays off but for its own test.
mkdirSync(join(workspace, '.vscode'), { recursive: true });
writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'seq2seq.learn.enabled': false }));
let code = 1;
try {
  await runTests({
    version: process.env.SEQ2SEQ_VSCODE_VERSION ?? 'stable',
    cachePath: join(repoRoot, '.cache/vscode-test'), // .cache/ is git-ignored
    extensionDevelopmentPath: extensionDir,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { SEQ2SEQ_TEST_WORKSPACE: workspace, SEQ2SEQ_TEST_RESULTS: resultsPath },
  });
  code = 0;
} catch (error) {
  if (isNetworkError(error)) {
    console.error(`[e2e] VS Code could not be downloaded; use npm run test:integration (code-server) instead. (${error.message ?? error})`);
  } else {
    console.error(`[e2e] integration tests failed: ${error.message ?? error}`);
  }
} finally {
  remove();
}
process.exit(code);
