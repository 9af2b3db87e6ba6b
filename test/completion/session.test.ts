import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SuggestAnswer, SuggestParams } from '../../src/completion/engineClient';
import { RequestProbe } from '../../src/completion/requestProbe';
import { CompletionSession, DocumentReader, Pos, PREFETCH_DELAY_MS, SessionEngine, SessionRequest } from '../../src/completion/session';
import { DEFAULT_SETTINGS, Settings } from '../../src/completion/settings';
import type { CandidateMessage, LandRequest, ModelInfo } from '../../src/shared/engineProtocol';

// The completion session in plain Node: what the editor would show for a request, served from the engine or the
// type-through cache, and what it counts. The document is a list of lines; the engine answers from a table of the
// text before the cursor (the real engine is tested through its worker in test/worker/).

interface Doc {
  uri: string;
  languageId: string;
  version: number;
  lines: string[];
}

const INFO: ModelInfo = { name: 'table', backend: 'none', backendNotes: [], minContextChars: 8, maxContextChars: 64, hiddenSize: 1, layers: 1, loadMs: 0, loadId: 1 };

const offsetAt = (d: Doc, p: Pos): number => d.lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
const documents: DocumentReader<Doc> = {
  uri: (d) => d.uri,
  languageId: (d) => d.languageId,
  version: (d) => d.version,
  isClosed: () => false,
  lineText: (d, line) => d.lines[line] ?? '',
  offsetAt,
  validate: (_d, p) => p,
  window: (d, anchor, _info, extra) => ({ before: d.lines.join('\n').slice(0, offsetAt(d, anchor)) + extra, windowStart: 0, atFileStart: true, below: '', path: d.uri }),
};

/** An engine that answers from a table: the last line's text before the cursor -> its candidates. */
class TableEngine implements SessionEngine {
  state: SessionEngine['state'] = { kind: 'ready', info: INFO };
  readonly asked: string[] = [];
  readonly landed: LandRequest[] = [];
  /** While set, answers wait for it: a request can be cancelled meanwhile. */
  hold: Promise<void> | null = null;

  constructor(private readonly table: Record<string, CandidateMessage[]>) {}

  async suggest(params: SuggestParams, signal: AbortSignal): Promise<SuggestAnswer | null> {
    const line = params.before.slice(params.before.lastIndexOf('\n') + 1);
    this.asked.push(line);
    if (this.hold) await this.hold;
    if (signal.aborted) return null;
    return { candidates: this.table[line] ?? [], engineMs: 1, encoderSteps: 1 };
  }

  land(params: LandRequest): void {
    this.landed.push(params);
  }
}

function session(engine: TableEngine, settings: Partial<Settings> = {}) {
  const counts = { shown: 0, typed: 0, wrong: 0, partly: 0 };
  const probe = new RequestProbe();
  const s = new CompletionSession<Doc>({
    documents,
    engine,
    settings: () => ({ ...DEFAULT_SETTINGS, debounceMs: 0, ...settings }),
    isActive: () => true,
    isUserDocument: () => true,
    log: { debug: () => undefined, trace: () => undefined, error: (m) => assert.fail(m) },
    probe,
    onShown: () => counts.shown++,
    onTyped: (_l, n) => (counts.typed += n),
    onWrong: () => counts.wrong++,
    onPartlyAccepted: (_l, n) => (counts.partly += n),
  });
  return { s, counts, probe };
}

const call = (over: Partial<SessionRequest> = {}): SessionRequest => ({ selected: null, explicit: false, isCancelled: () => false, onCancelled: () => ({ dispose: () => undefined }), ...over });
const doc = (text: string): Doc => ({ uri: 'file:///a.ts', languageId: 'typescript', version: 1, lines: text.split('\n') });
const end = (d: Doc): Pos => ({ line: d.lines.length - 1, character: (d.lines.at(-1) ?? '').length });
/** Edits the document in place (an editor keeps one object per document): `text` replaces its last line. */
function edit(d: Doc, text: string): Doc {
  d.version++;
  d.lines[d.lines.length - 1] = text;
  return d;
}

/** Types one character at the end of the document, as the editor reports it. */
function type(s: CompletionSession<Doc>, d: Doc, ch: string): Doc {
  const at = offsetAt(d, end(d));
  edit(d, (d.lines.at(-1) ?? '') + ch);
  s.documentChanged(d, [{ rangeOffset: at, rangeLength: 0, text: ch }]);
  return d;
}

test('the engine answers a request; typing through the suggestion is served from the cache and counted once', async () => {
  const engine = new TableEngine({ 'const va': [{ text: 'lue', confidence: 0.9 }] });
  const { s, counts, probe } = session(engine);
  let d = doc('const va');
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, ['lue']);
  d = type(s, d, 'l');
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, ['ue'], 'the rest of the suggestion, from the cache');
  assert.deepEqual(engine.asked, ['const va']);
  assert.equal(counts.shown, 1, 'typing through a suggestion is not a new one');
  assert.equal(counts.typed, 1);
  assert.equal(probe.recent.length, 2);
  assert.deepEqual(probe.recent.map((r) => r.engineMs), [1, null]);
});

test('below the threshold, mid-line before other text, or while the model loads: nothing shown, with the probe told', async () => {
  const engine = new TableEngine({ 'let x': [{ text: 'yz', confidence: 0.2 }], 'f(': [{ text: 'a', confidence: 0.9 }] });
  const { s, probe } = session(engine);
  const low = doc('let x');
  assert.deepEqual((await s.request(low, end(low), call()))?.texts, []);
  const mid = doc('f(b');
  assert.equal(await s.request(mid, { line: 0, character: 2 }, call()), undefined, 'mid-line before a word: never asked');
  engine.state = { kind: 'loading' };
  assert.equal(await s.request(low, end(low), call()), undefined);
  assert.deepEqual(engine.asked, ['let x']);
  assert.equal(probe.recent.length, 3);
});

test('a request cancelled while the engine works shows nothing; a cache clear drops an answer to the old model', async () => {
  const engine = new TableEngine({ 'ret': [{ text: 'urn', confidence: 0.9 }] });
  const { s } = session(engine);
  const d = doc('ret');
  let cancelled = false;
  const listeners: (() => void)[] = [];
  let release: () => void = () => undefined;
  engine.hold = new Promise((r) => (release = r));
  const pending = s.request(d, end(d), call({ isCancelled: () => cancelled, onCancelled: (l) => (listeners.push(l), { dispose: () => undefined }) }));
  await new Promise((r) => setTimeout(r, 5));
  cancelled = true;
  for (const l of listeners) l();
  release();
  assert.equal(await pending, undefined);

  engine.hold = new Promise((r) => (release = r));
  const overtaken = s.request(d, end(d), call());
  await new Promise((r) => setTimeout(r, 5));
  s.clearCache(); // the model changed meanwhile
  release();
  assert.equal(await overtaken, undefined);
  engine.hold = null;
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, ['urn']);
});

test('a change of the workspace memory while the engine works: the answer is shown, not kept; what was kept goes', async () => {
  const engine = new TableEngine({ 'ret': [{ text: 'urn', confidence: 0.9 }], 'x = Zor': [{ text: 'blax', confidence: 0.9 }] });
  const { s } = session(engine);
  const kept = doc('x = Zor');
  assert.deepEqual((await s.request(kept, end(kept), call()))?.texts, ['blax']);
  const d = doc('ret');
  let release: () => void = () => undefined;
  engine.hold = new Promise((r) => (release = r));
  const during = s.request(d, end(d), call());
  await new Promise((r) => setTimeout(r, 5));
  s.memoryChanged(); // the workspace's files changed meanwhile: the model did not
  release();
  assert.deepEqual((await during)?.texts, ['urn']);
  engine.hold = null;
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, ['urn']);
  assert.deepEqual((await s.request(kept, end(kept), call()))?.texts, ['blax']);
  assert.deepEqual(engine.asked, ['x = Zor', 'ret', 'ret', 'x = Zor'], 'neither the answer under way nor the earlier one was served from the cache');
});

test('the suggest widget\'s selected item is extended, from its start', async () => {
  const engine = new TableEngine({ 'x.forE': [{ text: 'ach', confidence: 0.9 }] });
  const { s } = session(engine);
  const d = doc('x.f');
  const answer = await s.request(d, end(d), call({ selected: { text: 'forE', start: { line: 0, character: 2 } } }));
  assert.deepEqual(answer?.anchor, { line: 0, character: 2 });
  assert.deepEqual(answer?.texts, ['forEach']);
});

test('what follows a suggestion is computed ahead while it is on screen, and served after Tab', async () => {
  const engine = new TableEngine({ 'impo': [{ text: 'rt', confidence: 0.9 }], 'import': [{ text: ' {', confidence: 0.8 }] });
  const { s } = session(engine);
  let d = doc('impo');
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, ['rt']);
  await new Promise((r) => setTimeout(r, PREFETCH_DELAY_MS + 50));
  assert.equal(s.prefetched, 1);
  assert.deepEqual(engine.asked, ['impo', 'import']);
  // Tab: the suggestion is inserted whole; the next request is answered without asking the engine.
  d = edit(d, 'import');
  assert.deepEqual((await s.request(d, end(d), call()))?.texts, [' {']);
  assert.deepEqual(engine.asked, ['impo', 'import']);
});

test('a word taken from a suggestion counts as partly accepted; a contradicting key as a wrong suggestion', async () => {
  const engine = new TableEngine({ 'sum = ': [{ text: 'total + value', confidence: 0.9 }] });
  const { s, counts } = session(engine);
  const d = doc('sum = ');
  await s.request(d, end(d), call());
  const next = edit(d, 'sum = total ');
  s.documentChanged(next, [{ rangeOffset: 6, rangeLength: 0, text: 'total ' }]);
  assert.equal(counts.partly, 6);
  await s.request(next, end(next), call());
  type(s, next, 'x');
  assert.equal(counts.wrong, 1);
});

test('where the cursor comes to rest, the engine reads the window there; a move made by typing is not a landing', async () => {
  const engine = new TableEngine({});
  const { s } = session(engine);
  const d = doc('one\ntwo');
  s.cursorMoved(d, { line: 0, character: 3 });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.landed, 1);
  assert.equal(engine.landed[0]?.before, 'one');
  const typed = type(s, d, 'x');
  s.cursorMoved(typed, end(typed));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.landed, 1);
});
