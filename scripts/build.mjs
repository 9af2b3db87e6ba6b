// Bundles every entry point into dist/ with esbuild and copies the wasm backend's binaries beside them.
// tfjs-node stays external: it is optional and, where it is installed, loaded from node_modules at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';

const entryPoints = { cli: 'src/cli/main.ts' };

mkdirSync(outdir, { recursive: true });
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const file of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
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

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
