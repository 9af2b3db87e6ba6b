// Bundles every entry point into dist/ with esbuild and copies the wasm backend's binaries beside them.
// tfjs-node stays external: it is optional and, where it is installed, loaded from node_modules at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';

const entryPoints = {
  cli: 'src/cli/main.ts',
  extension: 'src/extension.ts',
  worker: 'src/worker/engineWorker.ts',
  trainWorker: 'src/worker/trainWorker.ts',
  gradientWorker: 'src/worker/gradientWorker.ts',
};
// The integration suite runs inside the extension host; mocha is loaded from node_modules at run time.
const testEntryPoints = { 'test/integration/index': 'test/integration/index.ts' };

mkdirSync(outdir, { recursive: true });
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
// The threaded build is never used in Node (multithreading is off there), so it is not shipped.
for (const file of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm') && !f.includes('threaded'))) {
  copyFileSync(join(wasmDist, file), join(outdir, file));
}

const options = {
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', '@tensorflow/tfjs-node'],
  logLevel: 'warning',
};

const testOptions = { ...options, entryPoints: testEntryPoints, external: [...options.external, 'mocha'] };
const hasTests = existsSync('test/integration/index.ts');

if (watch) {
  for (const o of hasTests ? [options, testOptions] : [options]) await (await esbuild.context(o)).watch();
} else {
  await Promise.all((hasTests ? [options, testOptions] : [options]).map((o) => esbuild.build(o)));
}

// The encoder-state panel's script is browser code: its own tsconfig (DOM lib), an iife, no Node built-ins.
const webviewOptions = {
  entryPoints: { 'webview/encoderPanel': 'src/webview/main.ts' },
  outdir,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  tsconfig: 'src/webview/tsconfig.json',
  sourcemap: true,
  logLevel: 'warning',
};
// VS Code for the Web: the browser extension host's entry (one CommonJS file, vscode external) and the engine it
// starts in a Web Worker (an iife that also runs on the host's thread where no worker is allowed). Browser
// platform: a Node built-in here fails the build (and test/boundaries.test.ts checks what got in).
const browserOptions = [
  { entryPoints: { 'browser/extension': 'src/browser/extension.ts' }, format: 'cjs', external: ['vscode'] },
  // Minified: the browser reads and parses it before the first suggestion (1.4 MB as written, a third less minified).
  { entryPoints: { 'browser/engineWorker': 'src/browser/engineWorker.ts' }, format: 'iife', minify: true },
].map((o) => ({ ...o, outdir, bundle: true, platform: 'browser', target: 'es2022', sourcemap: true, logLevel: 'warning' }));

for (const o of [webviewOptions, ...browserOptions]) {
  if (watch) await (await esbuild.context(o)).watch();
  else await esbuild.build(o);
}
