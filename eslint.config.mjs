// Lint: the layering rules that matter, as rules (not only comments), and promise hygiene for async glue.
import tseslint from 'typescript-eslint';

// Modules that carry TensorFlow.js; the host and the editor-side logic may import only pure siblings
// (context, language, tokens), and the bundle test (test/boundaries.test.ts) checks what really got in.
const TF_MODULES = ['@tensorflow/*', '**/model/tf', '**/model/seq2seq', '**/model/engine', '**/model/inference', '**/model/learner', '**/model/weights', '**/model/serialize', '**/node/*'];

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
      'no-restricted-imports': restrict(['vscode', 'fs', 'node:fs', 'path', 'node:path', 'worker_threads', 'node:worker_threads', '../node/*', '../extension/*', '../worker/*'], 'src/model is the pure core: TensorFlow.js and its siblings only.'),
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
      'no-restricted-imports': restrict(['vscode', '../extension', '../extension/*', ...TF_MODULES], 'Editor-side logic: no vscode, and no TensorFlow.js (the model runs in the worker).'),
    },
  },
  {
    files: ['src/extension/**/*.ts', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': restrict(TF_MODULES, 'The extension host never runs the model: TensorFlow.js lives in the worker.'),
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
