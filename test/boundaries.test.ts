import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers';

// Layering and privacy rules that matter, checked on the sources and the built bundles.
const ROOT = REPO;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const imports = (path: string): string[] => [...readFileSync(path, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);

test('the model core imports neither vscode nor Node I/O', () => {
  for (const f of files(join(ROOT, 'src', 'model'))) {
    for (const m of imports(f)) assert.ok(!/^(vscode|node:fs|fs|node:path|path|node:worker_threads)$/.test(m), `${relative(ROOT, f)} imports ${m}`);
  }
});

test('only the extension layer and the two composition roots (Node, browser) import vscode', () => {
  for (const f of files(join(ROOT, 'src'))) {
    const rel = relative(ROOT, f);
    if (rel.startsWith('src/extension/') || rel === 'src/extension.ts' || rel === 'src/browser/extension.ts') continue;
    assert.ok(!imports(f).includes('vscode'), `${rel} imports vscode`);
  }
});

test('the host reaches the engine only through src/shared/: no import of the model core, node/ or worker/', () => {
  const host = ['extension', 'completion', 'workspace', 'shared', 'host']
    .flatMap((d) => files(join(ROOT, 'src', d)))
    .concat(['extension.ts', 'browser/extension.ts', 'browser/engineThread.ts'].map((f) => join(ROOT, 'src', f)));
  for (const f of host) {
    for (const m of imports(f)) assert.ok(!/(^|\/)(model|node|worker)(\/|$)/.test(m), `${relative(ROOT, f)} imports ${m}`);
  }
});

test('the extension host bundle carries no TensorFlow.js: model work happens in the worker', () => {
  const bundle = readFileSync(join(ROOT, 'dist', 'extension.js'), 'utf8');
  assert.ok(!bundle.includes('@tensorflow'), 'dist/extension.js contains TensorFlow.js');
  assert.ok(readFileSync(join(ROOT, 'dist', 'worker.js'), 'utf8').includes('tfjs'), 'the worker bundle should hold TensorFlow.js');
});

test('the editor-side logic and the contract run in any host: src/completion, src/shared and src/workspace import no Node built-in', () => {
  for (const f of ['completion', 'shared', 'workspace'].flatMap((d) => files(join(ROOT, 'src', d)))) {
    for (const m of imports(f)) assert.ok(!/^node:|^(fs|path|os|crypto|worker_threads|child_process)$/.test(m), `${relative(ROOT, f)} imports ${m}`);
  }
});

/** A bundle's calls of require(), leaving out the text of tfjs-backend-wasm's threaded worker (a string it never runs here). */
const requiresOf = (bundle: string): string[] =>
  [...bundle.replace(/wasmWorkerContents\s*=\s*`[^`]*`/g, '').matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1] as string);

test('the browser build is browser code: its sources and bundles carry no Node built-in, its host bundle no TensorFlow.js', () => {
  for (const f of files(join(ROOT, 'src', 'browser'))) {
    for (const m of imports(f)) assert.ok(!/^node:|^(fs|path|os|crypto|worker_threads|child_process)$|(^|\/)(node|cli)\//.test(m), `${relative(ROOT, f)} imports ${m}`);
  }
  const host = readFileSync(join(ROOT, 'dist', 'browser', 'extension.js'), 'utf8');
  assert.deepEqual([...new Set(requiresOf(host))], ['vscode'], 'dist/browser/extension.js requires something besides vscode');
  assert.ok(!/@tensorflow|tfjs-core/.test(host), 'dist/browser/extension.js contains TensorFlow.js');
  const engine = readFileSync(join(ROOT, 'dist', 'browser', 'engineWorker.js'), 'utf8');
  assert.deepEqual(requiresOf(engine), [], 'dist/browser/engineWorker.js requires a module');
  assert.ok(engine.includes('tfjs-backend-wasm-simd.wasm'), 'the browser engine bundle should hold TensorFlow.js and its wasm backend');
});

test('private by design: no source file opens a network connection', () => {
  for (const f of files(join(ROOT, 'src'))) {
    const rel = relative(ROOT, f);
    for (const m of imports(f)) assert.ok(!/^(node:)?(http|https|http2|net|tls|dgram|dns)$/.test(m), `${rel} imports ${m}`);
    assert.ok(!/\bfetch\s*\(|XMLHttpRequest|WebSocket/.test(readFileSync(f, 'utf8')), `${rel} calls the network`);
  }
});

test('webview code is browser code: no vscode, no TensorFlow.js, no Node built-ins; its bundle carries none', () => {
  for (const f of files(join(ROOT, 'src', 'webview'))) {
    for (const m of imports(f)) {
      assert.ok(!/^(vscode|@tensorflow\/.*)$/.test(m), `${relative(ROOT, f)} imports ${m}`);
      assert.ok(!/^node:|^(fs|path|os|crypto|worker_threads|child_process)$/.test(m), `${relative(ROOT, f)} imports ${m}`);
      // Webview code may import its siblings and the shared protocol files, nothing else of the extension.
      if (m.startsWith('.')) assert.ok(/^\.\/|^\.\.\/shared\/(panelProtocol|encoderStateView)$/.test(m), `${relative(ROOT, f)} imports ${m}`);
    }
  }
  const bundle = readFileSync(join(ROOT, 'dist', 'webview', 'encoderPanel.js'), 'utf8');
  assert.ok(!/tfjs|@tensorflow|require\(['"]vscode['"]\)/.test(bundle), 'dist/webview/encoderPanel.js contains TensorFlow.js or vscode');
});

test('the shared protocol files the webview bundles import nothing but each other and the guards', () => {
  for (const name of ['panelProtocol.ts', 'encoderStateView.ts', 'copySources.ts', 'guards.ts']) {
    for (const m of imports(join(ROOT, 'src', 'shared', name))) assert.ok(/^\.\/(panelProtocol|encoderStateView|copySources|guards)$/.test(m), `src/shared/${name} imports ${m}`);
  }
});

test('no import circle inside the model core: what a module needs (its types included) never needs it back', () => {
  const model = join(ROOT, 'src', 'model');
  const runtime = (path: string): string[] =>
    [...readFileSync(path, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)]
      .map((m) => join(path, '..', `${m[1] as string}.ts`))
      .filter((p) => p.startsWith(model));
  const graph = new Map(files(model).map((f) => [f, runtime(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    assert.notEqual(state.get(f), 'open', `import circle: ${[...path, f].map((p) => relative(model, p)).join(' -> ')}`);
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
});
