// Lint: the layering rules that matter, as rules (not only comments), and promise hygiene for async glue.
import tseslint from 'typescript-eslint';

// The host and the editor-side logic reach the engine only through the contract in src/shared/ (window cut,
// context sizes, language families, messages): nothing of the model core, nothing that carries TensorFlow.js.
// The bundle test (test/boundaries.test.ts) checks what really got in.
const CORE = ['@tensorflow/*', '**/model', '**/model/*', '**/model/**', '**/node/*', '**/worker/*'];

const restrict = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'scripts/**', 'test/fixtures/**', '.cache/**', 'eslint.config.mjs'] },
  {
    // node:test's test() returns a promise the runner awaits, so the promise rules apply to src/ only.
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['vscode', 'fs', 'node:fs', 'path', 'node:path', 'worker_threads', 'node:worker_threads', '**/node/*', '**/extension/*', '**/worker/*'], 'src/model is the pure core: TensorFlow.js and its siblings only.'),
    },
  },
  {
    // The Node host's side of its threads and model folders: starts the engine and training threads, names and
    // removes folders. Used by the editor host and the CLI; loads no model.
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['vscode', '../extension', '../extension/*', '../cli/*', ...CORE], 'src/host starts threads and handles folders: no vscode, no model.'),
    },
  },
  {
    files: ['src/node/**/*.ts', 'src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['vscode', '../extension', '../extension/*'], 'Only src/extension and src/extension.ts may import vscode.'),
    },
  },
  {
    files: ['src/completion/**/*.ts', 'src/workspace/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['vscode', '../extension', '../extension/*', ...CORE], 'Editor-side logic: no vscode, and the engine only through src/shared/ (the model runs in the worker).'),
    },
  },
  {
    files: ['src/extension/**/*.ts', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': restrict(CORE, 'The extension host reaches the engine only through src/shared/: the model and TensorFlow.js live in the worker.'),
    },
  },
  {
    // The browser extension host's root and its engine worker: browser code, so no Node built-in and nothing of
    // src/node/ (model files on disk), src/cli/ or the Node-only parts of src/extension/. Its host side reaches the
    // engine through src/shared/ like the Node host; its engine side (engineWorker.ts, backend.ts) is the model's.
    files: ['src/browser/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', '**/node/*', '**/cli/*', '**/host/*', '**/extension/activeModel', '**/extension/fineTune', '**/extension/workspaceLearner', '**/extension/trainingFiles'],
        'src/browser runs in a browser: no Node built-ins, no model files on disk, no training.',
      ),
    },
  },
  {
    files: ['src/browser/extension.ts', 'src/browser/engineThread.ts'],
    rules: {
      // Flat config replaces a rule's options per file: this block repeats the browser list with the host's own.
      'no-restricted-imports': restrict(
        ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', '**/cli/*', '**/host/*', '**/extension/activeModel', '**/extension/fineTune', '**/extension/workspaceLearner', '**/extension/trainingFiles', ...CORE],
        "The browser host's side: no Node built-in, no training, and the engine only through src/shared/ (the model runs in the engine bundle).",
      ),
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './src/webview/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-restricted-imports': restrict(['vscode', '@tensorflow/*', 'node:*', '../model/*', '../extension/*', '../worker/*'], 'Webview code is browser code: DOM only, plain arrays in.'),
    },
  },
);
