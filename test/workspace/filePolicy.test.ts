import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { CandidateFile, GitignoreRules, ignoredPath, secretInContent, selectFiles, textSkipReason } from '../../src/workspace/filePolicy';

// A fixture tree on disk, made fresh per run: binary and secret files are not worth committing.
let root: string;
const write = (path: string, content: string | Uint8Array): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
};

before(() => {
  root = mkdtempSync(join(tmpdir(), 'seq2seq-selection-'));
  write('.gitignore', 'build/\n*.log\n!keep.log\n');
  write('src/app.ts', 'export function app(): number {\n  return 42;\n}\n');
  write('src/util.py', 'def util(x):\n    return x * 2\n');
  write('src/vendor/.gitignore', 'generated.ts\n');
  write('src/vendor/generated.ts', 'export const generated = true;\n');
  write('src/vendor/lib.ts', 'export const lib = 1;\n');
  write('build/out.js', 'console.log("built");\n');
  write('debug.log', 'log line\n');
  write('keep.log', 'this log is kept on purpose\n');
  write('package-lock.json', '{"lockfileVersion": 3}\n');
  write('.env.local', 'API_KEY=secret\n');
  write('certs/server.pem', '-----BEGIN CERTIFICATE-----\n');
  write('assets/logo.png', new Uint8Array([137, 80, 78, 71, 0, 0, 0, 13]));
  write('dist/app.min.js', 'var a=1;');
  write('src/bundle.js', `var x = [${Array.from({ length: 400 }, (_, i) => i).join(',')}];\n`);
  write('src/huge.ts', `export const big = "${'x'.repeat(3000)}";\n`.replace(/x{3000}/, 'x '.repeat(1500)));
  write('src/empty.ts', '');
  write('src/latin1.ts', new Uint8Array([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0x0a]));
});
after(() => rmSync(root, { recursive: true, force: true }));

function candidates(): { files: CandidateFile[]; gitignores: { path: string; content: string }[] } {
  const files: CandidateFile[] = [];
  const gitignores: { path: string; content: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === '.gitignore') gitignores.push({ path: rel, content: readFileSync(p, 'utf8') });
      else files.push({ path: rel, bytes: statSync(p).size, read: async () => new Uint8Array(readFileSync(p)) });
    }
  };
  walk(root);
  return { files, gitignores };
}

test('keeps source files and explains every skip', async () => {
  const { files, gitignores } = candidates();
  const sel = await selectFiles(files, new GitignoreRules(gitignores), { maxFileBytes: 2000, maxTotalChars: 1e6 });
  assert.deepEqual(sel.files.map((f) => f.path).sort(), ['keep.log', 'src/app.ts', 'src/util.py', 'src/vendor/lib.ts']);
  const why = Object.fromEntries(sel.skipped.map((s) => [s.path, s.reason]));
  assert.equal(why['build/out.js'], 'ignored by .gitignore');
  assert.equal(why['debug.log'], 'ignored by .gitignore');
  assert.equal(why['src/vendor/generated.ts'], 'ignored by .gitignore'); // a nested .gitignore
  assert.equal(why['package-lock.json'], 'lock file');
  assert.equal(why['.env.local'], 'may hold secrets');
  assert.equal(why['certs/server.pem'], 'may hold secrets');
  assert.equal(why['assets/logo.png'], 'binary');
  assert.equal(why['dist/app.min.js'], 'minified or generated');
  assert.equal(why['src/bundle.js'], 'minified or generated');
  assert.equal(why['src/huge.ts'], 'larger than the file size cap');
  assert.equal(why['src/empty.ts'], 'empty');
  assert.equal(why['src/latin1.ts'], 'binary'); // not UTF-8
  assert.equal(sel.chars['ts-js'], sel.files.filter((f) => f.family === 'ts-js').reduce((n, f) => n + f.text.length, 0));
});

test('the corpus cap stops adding files and says so', async () => {
  const { files, gitignores } = candidates();
  const sel = await selectFiles(files, new GitignoreRules(gitignores), { maxFileBytes: 2000, maxTotalChars: 60 });
  const total = sel.files.reduce((n, f) => n + f.text.length, 0);
  assert.ok(total <= 60);
  assert.ok(sel.skipped.some((s) => s.reason === 'corpus size cap reached'));
});

test('an empty workspace selects nothing', async () => {
  const sel = await selectFiles([], new GitignoreRules([]), { maxFileBytes: 1000, maxTotalChars: 1000 });
  assert.equal(sel.files.length, 0);
});

test('multi-root: each folder meets only its own .gitignore rules (paths under the folder, never ../other)', () => {
  // The extension names paths "<index>-<folder>/<path>" when several folders are open.
  const rules = new GitignoreRules([
    { path: '0-app/.gitignore', content: 'gen/\n*.log\n' },
    { path: '1-lib/sub/.gitignore', content: 'local.ts\n' },
  ]);
  assert.equal(rules.ignores('0-app/gen/out.ts'), true);
  assert.equal(rules.ignores('0-app/debug.log'), true);
  assert.equal(rules.ignores('1-lib/gen/out.ts'), false, "app's rules must not reach lib");
  assert.equal(rules.ignores('1-lib/debug.log'), false);
  assert.equal(rules.ignores('1-lib/sub/local.ts'), true);
  assert.equal(rules.ignores('1-lib/local.ts'), false);
});

test('content marks a secret whatever the file is called; hex digests and ordinary strings do not', () => {
  assert.equal(secretInContent('const k = "AKIAIOSFODNN7EXAMPLE";'), 'a key or credential');
  assert.equal(secretInContent('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n'), 'a key or credential');
  assert.equal(secretInContent('token = "q8ZrT1vX9mLw2KcY7bNf4HsJ0dPaE6gU"'), 'a random-looking token');
  assert.equal(secretInContent('sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'), null);
  assert.equal(secretInContent('msg = "this is a perfectly ordinary sentence in a string"'), null);
  assert.equal(secretInContent('export const INITIAL_STATE_FOR_THE_COMPONENT_TREE = 1;'), null);
});

test('open documents meet the same content rules as files read from disk (textSkipReason)', () => {
  assert.equal(textSkipReason('export function add(a: number, b: number) {\n  return a + b;\n}\n'), null);
  assert.equal(textSkipReason(`var a=${'x+1,'.repeat(600)}0;`), 'minified or generated');
  assert.equal(textSkipReason('const key = "AKIAABCDEFGHIJKLMNOP";\n'), 'may hold secrets');
  assert.equal(textSkipReason('  \n\n'), 'empty');
  assert.equal(textSkipReason('ok\0binary'), 'binary');
  assert.equal(textSkipReason(`${'0123456789 '.repeat(100)}\n`), 'minified or generated', 'mostly not letters');
});

test('a hostile .gitignore cannot hang matching: a rule with many "**" is skipped and named; too deep a path is not learnt', () => {
  // 61 bytes that took over 100 s per path before (12 globstars: exponential backtracking in the rule's regex).
  const hostile = `${'**/a/'.repeat(12)}**/b`;
  const deep = `${Array(40).fill('a').join('/')}/x.ts`;
  const started = Date.now();
  const rules = new GitignoreRules([{ path: '.gitignore', content: `${hostile}\ndist/\n` }]);
  assert.equal(rules.ignores(deep), false);
  assert.equal(rules.ignores('dist/x.ts'), true, 'the other rules of the file still apply');
  assert.ok(Date.now() - started < 5000, `matched in ${Date.now() - started} ms`);
  assert.equal(rules.skippedRules.length, 1);
  assert.equal(rules.skippedRules[0]!.file, '.gitignore');
  assert.match(rules.skippedRules[0]!.reason, /more than 2 "\*\*" segments/);
  // Two globstars, the most real rules use, still apply.
  assert.equal(new GitignoreRules([{ path: '.gitignore', content: '**/gen/**/*.ts\n' }]).ignores('a/gen/b/c.ts'), true);
  assert.equal(ignoredPath(rules, `${Array(70).fill('d').join('/')}/x.ts`), 'nested too deep');
  assert.equal(ignoredPath(rules, 'src/x.ts'), null);
});
