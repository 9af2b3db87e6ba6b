#!/usr/bin/env node
// Assembles the base model's training corpus from pinned, permissively licensed sources these machines can
// reach: npm packages (fetched with `npm pack`) and Python from Debian (the standard library on the machine,
// plus pure-Python Debian packages for held-out projects). Writes .cache/corpus/{train,heldout}/<family>/<project>
// and the manifest models/base/CORPUS.md. The corpus itself stays out of git; this script recreates it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

const ROOT = '.cache/corpus';
const TARBALLS = join(ROOT, 'tarballs');
const PER_PROJECT_CAP = 3_000_000; // characters: no single project dominates the mix
const EXT = { ts: ['.ts', '.tsx', '.mts', '.cts'], js: ['.js', '.mjs', '.cjs', '.jsx'], py: ['.py'] };
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'test', 'tests', '__tests__', 'esm', 'cjs', 'umd', 'types', 'typings', 'idlelib', 'tkinter', 'turtledemo', 'lib2to3', 'ensurepip', 'site-packages', '__pycache__']);

/**
 * Pinned sources. `role` decides the side: held-out projects are never trained on; fit projects are never trained
 * on either, and only fit what is fitted on replay data (the show model and its threshold, `fit-show`), so the
 * held-out figures stay on projects nothing was fitted to.
 */
const NPM = [
  { name: 'rxjs', version: '7.8.2', license: 'Apache-2.0', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'zod', version: '4.6.7', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'effect', version: '4.1.0', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'mobx', version: '7.1.3', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: '@tanstack/query-core', version: '5.108.4', license: 'MIT', family: 'ts', dirs: ['src'], role: 'heldout' },
  { name: 'immer', version: '11.2.13', license: 'MIT', family: 'ts', dirs: ['src'], role: 'heldout' },
  { name: 'express', version: '5.3.0', license: 'MIT', family: 'js', dirs: ['lib', 'index.js'], role: 'train' },
  { name: 'lodash', version: '4.18.1', license: 'MIT', family: 'js', dirs: ['.'], role: 'train' },
  { name: 'axios', version: '1.21.1', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train' },
  { name: 'eslint', version: '10.15.0', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train' },
  { name: 'webpack', version: '5.113.0', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train' },
  { name: 'three', version: '0.187.0', license: 'MIT', family: 'js', dirs: ['src'], role: 'train' },
  { name: 'mocha', version: '12.0.3', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train' },
  { name: 'commander', version: '15.1.0', license: 'MIT', family: 'js', dirs: ['lib', 'index.js'], role: 'train' },
  { name: 'koa', version: '3.3.0', license: 'MIT', family: 'js', dirs: ['lib'], role: 'heldout' },
  { name: 'ws', version: '8.23.0', license: 'MIT', family: 'js', dirs: ['lib', 'index.js'], role: 'heldout' },
  // Added at step 10,700 (corpus v2): more authors and styles, since held-out bits/char trailed validation by 0.45.
  // Smaller caps than v1's projects keep any one of them from setting the style.
  { name: '@reduxjs/toolkit', version: '2.16.0', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train', cap: 1_000_000 },
  { name: 'redux', version: '5.0.1', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: '@trpc/server', version: '11.25.2', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train', cap: 1_000_000 },
  { name: '@trpc/client', version: '11.25.2', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'prosemirror-model', version: '1.25.13', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'prosemirror-state', version: '1.4.4', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'prosemirror-view', version: '1.44.0', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: 'prosemirror-transform', version: '1.12.7', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train' },
  { name: '@effect/cli', version: '0.77.2', license: 'MIT', family: 'ts', dirs: ['src'], role: 'train', cap: 500_000 },
  { name: 'fastify', version: '5.12.8', license: 'MIT', family: 'js', dirs: ['lib', 'fastify.js'], role: 'train' },
  { name: 'knex', version: '3.3.0', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train', cap: 1_000_000 },
  { name: 'sequelize', version: '6.37.8', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train', cap: 1_000_000 },
  { name: 'mongoose', version: '9.12.1', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train', cap: 1_000_000 },
  { name: 'undici', version: '7.30.2', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train', cap: 1_000_000 },
  { name: 'moment', version: '2.31.0', license: 'MIT', family: 'js', dirs: ['src/lib'], role: 'train', cap: 1_000_000 },
  { name: 'svelte', version: '5.57.3', license: 'MIT', family: 'js', dirs: ['src'], role: 'train', cap: 1_000_000 },
  { name: 'jquery', version: '4.0.0', license: 'MIT', family: 'js', dirs: ['src'], role: 'train', cap: 1_000_000 },
  { name: 'handlebars', version: '4.7.10', license: 'MIT', family: 'js', dirs: ['lib'], role: 'train' },
  { name: 'less', version: '4.9.1', license: 'Apache-2.0', family: 'js', dirs: ['lib'], role: 'train', cap: 1_000_000 },
  { name: 'underscore', version: '1.13.8', license: 'MIT', family: 'js', dirs: ['modules'], role: 'train' },
  // Fit projects (issue 27's show model): TypeScript sources are rare on npm, so both TS ones are TanStack's, like
  // the held-out query-core; the JS ones are by other authors than any training or held-out project.
  { name: '@tanstack/router-core', version: '1.171.39', license: 'MIT', family: 'ts', dirs: ['src'], role: 'fit', cap: 1_000_000 },
  { name: '@tanstack/form-core', version: '1.33.5', license: 'MIT', family: 'ts', dirs: ['src'], role: 'fit' },
  { name: 'nodemailer', version: '6.10.1', license: 'MIT-0', family: 'js', dirs: ['lib'], role: 'fit', cap: 500_000 },
  { name: '@hapi/hapi', version: '21.4.13', license: 'BSD-3-Clause', family: 'js', dirs: ['lib'], role: 'fit' },
  // Fit projects, second set: one threshold per language is chosen on them, and two projects a language were too few
  // to tell a language's rate of wrong suggestions from one project's.
  { name: '@tiptap/core', version: '3.35.0', license: 'MIT', family: 'ts', dirs: ['src'], role: 'fit', cap: 500_000 },
  { name: '@tanstack/virtual-core', version: '3.19.13', license: 'MIT', family: 'ts', dirs: ['src'], role: 'fit' },
  { name: 'yjs', version: '13.6.33', license: 'MIT', family: 'js', dirs: ['src'], role: 'fit' },
  { name: 'winston', version: '3.19.0', license: 'MIT', family: 'js', dirs: ['lib'], role: 'fit' },
];
/**
 * Debian packages of pure Python, unpacked with dpkg -x. None of the training ones vendors the held-out requests
 * or urllib3 (pip does, so it is not here).
 */
const DEBIAN = [
  { pkg: 'python3-requests', module: 'requests', license: 'Apache-2.0', role: 'heldout' },
  { pkg: 'python3-urllib3', module: 'urllib3', license: 'MIT', role: 'heldout' },
  { pkg: 'python3-dateutil', module: 'dateutil', license: 'Apache-2.0 OR BSD-3-Clause', role: 'fit' },
  { pkg: 'python3-bs4', module: 'bs4', license: 'MIT', role: 'fit' },
  { pkg: 'python3-packaging', module: 'packaging', license: 'Apache-2.0 OR BSD-2-Clause', role: 'fit' },
  { pkg: 'python3-pyparsing', module: 'pyparsing', license: 'MIT', role: 'fit', cap: 500_000 },
  // corpus v2 (see the npm list)
  { pkg: 'python3-django', module: 'django', license: 'BSD-3-Clause', role: 'train', cap: 1_500_000 },
  { pkg: 'python3-sqlalchemy', module: 'sqlalchemy', license: 'MIT', role: 'train', cap: 1_500_000 },
  { pkg: 'python3-twisted', module: 'twisted', license: 'MIT', role: 'train', cap: 1_500_000 },
  { pkg: 'python3-werkzeug', module: 'werkzeug', license: 'BSD-3-Clause', role: 'train' },
  { pkg: 'python3-flask', module: 'flask', license: 'BSD-3-Clause', role: 'train' },
  { pkg: 'python3-jinja2', module: 'jinja2', license: 'BSD-3-Clause', role: 'train' },
  { pkg: 'python3-click', module: 'click', license: 'BSD-3-Clause', role: 'train' },
  { pkg: 'python3-markdown', module: 'markdown', license: 'BSD-3-Clause', role: 'train' },
  { pkg: 'python3-attr', module: 'attr', license: 'MIT', role: 'train' },
  { pkg: 'python3-yaml', module: 'yaml', license: 'MIT', role: 'train' },
  { pkg: 'python3-jedi', module: 'jedi', license: 'MIT', role: 'train', cap: 1_000_000 },
  { pkg: 'python3-parso', module: 'parso', license: 'MIT', role: 'train' },
];
const STDLIB = '/usr/lib/python3.11';

function listFiles(dir, exts) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && exts.includes(extname(e.name)) && !/\.(d|min|test|spec)\.[cm]?[jt]sx?$/.test(e.name)) out.push(p);
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  else if (exts.includes(extname(dir))) out.push(dir);
  return out;
}

function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Copies a project's source files (up to the cap) and returns its manifest row. */
function addProject(srcRoots, base, dest, exts, cap = PER_PROJECT_CAP) {
  mkdirSync(dest, { recursive: true });
  let files = 0;
  let chars = 0;
  for (const root of srcRoots) {
    if (!existsSync(root)) continue;
    // A hashed order, not the alphabet, decides which files fit under the cap.
    for (const f of listFiles(root, exts).sort((a, b) => hash(a) - hash(b))) {
      const text = readFileSync(f, 'utf8');
      if (text.split('\n').some((l) => l.length > 1000)) continue; // minified or generated
      if (chars + text.length > cap) continue;
      const target = join(dest, relative(base, f));
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, text);
      files++;
      chars += text.length;
    }
  }
  return { files, chars };
}

// --heldout-only: just the held-out and fit projects (what `eval --replay` and `fit-show` read), without the
// training corpus or the manifest.
const heldoutOnly = process.argv.includes('--heldout-only');
const wanted = (p) => !heldoutOnly || p.role !== 'train';
const manifest = [];
if (!heldoutOnly) rmSync(join(ROOT, 'train'), { recursive: true, force: true });
rmSync(join(ROOT, 'heldout'), { recursive: true, force: true });
rmSync(join(ROOT, 'fit'), { recursive: true, force: true });
mkdirSync(TARBALLS, { recursive: true });

for (const p of NPM.filter(wanted)) {
  const tarball = join(TARBALLS, `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`);
  if (!existsSync(tarball)) execFileSync('npm', ['pack', `${p.name}@${p.version}`, '--pack-destination', TARBALLS, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const unpacked = join(ROOT, 'unpacked', p.name.replace('/', '__'));
  if (!existsSync(unpacked)) {
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  }
  const dest = join(ROOT, p.role, p.family, p.name.replace('/', '__'));
  const row = addProject(p.dirs.map((d) => join(unpacked, d)), unpacked, dest, EXT[p.family], p.cap);
  manifest.push({ source: `npm ${p.name}@${p.version}`, license: p.license, family: p.family, role: p.role, ...row });
  console.log(`${p.role} ${p.family} ${p.name}@${p.version}: ${row.files} files, ${row.chars} chars`);
}

// Python standard library from Debian's libpython3.11-stdlib: each top-level package or module group is a project.
const STDLIB_CAP = 6_000_000; // Python has one big source here, so it gets a larger share to balance the families
if (!heldoutOnly) {
  const stdlibRow = addProject([STDLIB], STDLIB, join(ROOT, 'train', 'py', 'cpython-stdlib'), EXT.py, STDLIB_CAP);
  const pyVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libpython3.11-stdlib']).toString();
  manifest.push({ source: `Debian libpython3.11-stdlib ${pyVersion} (${STDLIB})`, license: 'PSF-2.0', family: 'py', role: 'train', ...stdlibRow });
  console.log(`train py stdlib: ${stdlibRow.files} files, ${stdlibRow.chars} chars`);
}

for (const d of DEBIAN.filter(wanted)) {
  const debDir = join(ROOT, 'debs');
  mkdirSync(debDir, { recursive: true });
  let deb = readdirSync(debDir).find((f) => f.startsWith(`${d.pkg}_`));
  try {
    if (!deb) {
      execFileSync('apt-get', ['download', d.pkg], { cwd: debDir, stdio: ['ignore', 'ignore', 'inherit'] });
      deb = readdirSync(debDir).find((f) => f.startsWith(`${d.pkg}_`));
    }
  } catch {
    console.warn(`skipping ${d.pkg}: apt-get download failed (run apt-get update first)`);
    continue;
  }
  const x = join(debDir, d.pkg);
  execFileSync('dpkg', ['-x', join(debDir, deb), x]);
  const moduleDir = join(x, 'usr/lib/python3/dist-packages', d.module);
  const row = addProject([moduleDir], moduleDir, join(ROOT, d.role, 'py', d.module), EXT.py, d.cap);
  manifest.push({ source: `Debian ${deb.replace(/\.deb$/, '')}`, license: d.license, family: 'py', role: d.role, ...row });
  console.log(`${d.role} py ${d.module}: ${row.files} files, ${row.chars} chars`);
}

const lines = [
  '# Base model corpus',
  '',
  'Recreated by `npm run corpus` (scripts/corpus.mjs) into `.cache/corpus/` (not in git). Held-out projects are',
  'never trained on; the figures in docs/ that say "held-out" come from them. Characters are counted after the',
  `per-project cap of ${PER_PROJECT_CAP.toLocaleString('en')} characters (${STDLIB_CAP.toLocaleString('en')} for the Python standard library, less where the\nscript sets a smaller one) and the filters (no tests, no minified,`,
  'generated or declaration files).',
  '',
  'Two versions: the base model trained on the first version (npm rxjs to commander, the Python standard library)',
  'to step 10,700, then on all of it (the projects marked "corpus v2" in scripts/corpus.mjs, added for variety).',
  '',
  '| source | licence | family | role | files | characters |',
  '|---|---|---|---|---:|---:|',
  ...manifest.map((m) => `| ${m.source} | ${m.license} | ${m.family} | ${m.role} | ${m.files} | ${m.chars.toLocaleString('en')} |`),
  '',
];
for (const role of ['train', 'heldout', 'fit']) {
  const rows = manifest.filter((m) => m.role === role);
  lines.push(`${role}: ${rows.reduce((n, m) => n + m.files, 0)} files, ${rows.reduce((n, m) => n + m.chars, 0).toLocaleString('en')} characters`, '');
}
if (!heldoutOnly) {
  mkdirSync('models/base', { recursive: true });
  writeFileSync('models/base/CORPUS.md', lines.join('\n'));
  console.log('wrote models/base/CORPUS.md');
}
