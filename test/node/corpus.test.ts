// Reading folders for training and evaluation: the extension's one file policy, applied by the CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readCorpus } from '../../src/node/corpus';

let root: string;
const write = (path: string, content: string): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
};
const CODE = 'export function greet(name: string): string {\n  return "Hello, " + name;\n}\n';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'seq2seq-corpus-'));
  write('a/src/app.ts', CODE);
  write('a/src/util.py', 'def util(x):\n    return x * 2\n');
  write('a/.env.js', 'module.exports = { key: "AKIAIOSFODNN7EXAMPLE" };\n');
  write('a/secrets.py', 'TOKEN = "not really"\n');
  write('a/src/keys.ts', `${CODE}export const pem = \`-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\`;\n`);
  write('a/src/token.ts', `${CODE}export const token = "q8ZrT1vX9mLw2KcY7bNf4HsJ0dPaE6gU";\n`);
  write('a/src/digest.ts', `${CODE}export const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";\n`);
  write('a/yarn.lock', 'lock\n');
  write('a/node_modules/dep/index.js', CODE);
  write('a/.gitignore', 'gen/\n');
  write('a/gen/out.ts', CODE);
  write('a/src/bundle.min.js', 'var a=1;');
  write('b/gen/kept.ts', CODE); // b has no .gitignore: a's rules must not reach it
  write('b/lib.ts', CODE);
  // 600 MB on paper, no disk: the size is checked before anything is read.
  write('b/huge.js', '');
  truncateSync(join(root, 'b/huge.js'), 600 * 2 ** 20);
  execFileSync('mkfifo', [join(root, 'b/pipe.ts')]);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the corpus reader applies the file policy: secrets by name and content, lock files, .gitignore, generated text', async () => {
  const { files, skipped } = await readCorpus([join(root, 'a')]);
  const names = files.map((f) => f.path.slice(root.length + 1));
  assert.deepEqual(names.sort(), ['a/src/app.ts', 'a/src/digest.ts', 'a/src/util.py']);
  const why = (p: string): string | undefined => skipped.find((s) => s.path === join(root, p))?.reason;
  assert.equal(why('a/.env.js'), 'may hold secrets');
  assert.equal(why('a/secrets.py'), 'may hold secrets');
  assert.equal(why('a/src/keys.ts'), 'may hold secrets', 'a private key block in an ordinary file');
  assert.equal(why('a/src/token.ts'), 'may hold secrets', 'a random-looking token');
  assert.equal(why('a/gen/out.ts'), 'ignored by .gitignore');
  assert.equal(why('a/src/bundle.min.js'), 'minified or generated');
  assert.ok(!files.some((f) => f.text.includes('AKIA')), 'no key reaches the training text');
  assert.ok(!skipped.some((s) => s.path.includes('node_modules')), 'dependencies are not even walked');
  assert.equal(files.find((f) => f.path.endsWith('util.py'))?.family, 'python');
});

test('each root keeps its own .gitignore; a huge file is skipped unread, a FIFO is never opened', async () => {
  const started = Date.now();
  const { files, skipped } = await readCorpus([join(root, 'a'), join(root, 'b')]);
  assert.ok(Date.now() - started < 5000, 'a 600 MB file must not be read');
  const names = files.map((f) => f.path.slice(root.length + 1));
  assert.ok(names.includes('b/gen/kept.ts') && names.includes('b/lib.ts'), JSON.stringify(names));
  const why = (p: string): string | undefined => skipped.find((s) => s.path === join(root, p))?.reason;
  assert.equal(why('b/huge.js'), 'larger than the file size cap');
  assert.equal(why('b/pipe.ts'), 'not a regular file');
});

test('the corpus cap stops reading: later files are skipped with the reason', async () => {
  const { files, skipped } = await readCorpus([join(root, 'a'), join(root, 'b')], { maxTotalChars: CODE.length + 1 });
  assert.equal(files.length, 1);
  assert.ok(skipped.filter((s) => s.reason === 'corpus size cap reached').length >= 3);
});

test('an entry that cannot be read, or folders nested 900 deep, are skipped with a reason; the rest is read', async () => {
  const odd = join(root, 'odd');
  mkdirSync(join(odd, 'src'), { recursive: true });
  writeFileSync(join(odd, 'src', 'ok.ts'), CODE);
  // A folder whose name is not valid UTF-8: Node reads it back with U+FFFD, under which nothing exists.
  const badName = Buffer.concat([Buffer.from(join(odd, 'src', 'bad')), Buffer.from([0xff, 0xfe])]);
  mkdirSync(badName);
  writeFileSync(Buffer.concat([badName, Buffer.from('/x.ts')]), CODE);
  const deep = join(odd, ...Array(900).fill('d'));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'deep.ts'), CODE);
  const { files, skipped } = await readCorpus([odd]);
  assert.deepEqual(files.map((f) => f.path), [join(odd, 'src', 'ok.ts')]);
  assert.ok(skipped.some((s) => s.reason === 'nested too deep'), JSON.stringify(skipped));
  assert.ok(skipped.some((s) => /^cannot be read \(ENOENT\)$/.test(s.reason) && s.path.includes('bad')), JSON.stringify(skipped));
  await assert.rejects(readCorpus([join(odd, 'missing')]), /ENOENT/);
});
