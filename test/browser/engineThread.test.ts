import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { EngineThreadEvents } from '../../src/completion/engineClient';
import { browserEngineThread, EngineThreadKind } from '../../src/browser/engineThread';
import type { HostToWorker } from '../../src/shared/engineProtocol';

// The browser host's engine thread in plain Node: where the engine runs (a Web Worker, else the host's thread), and
// that what the host sends before the engine is ready reaches it, in order, wherever it ends up. The engine here is
// a tiny script with the real bundle's contract (the port it serves on, its first message), not TensorFlow.js.
const ECHO_ENGINE = `
  const port = globalThis.__seq2seqEnginePort ?? globalThis.__fakeWorkerScope;
  port.onmessage = (e) => port.postMessage({ kind: 'echo', requestId: e.data.requestId });
  port.postMessage({ kind: 'log', level: 'trace', message: 'engine thread started' });
`;

const cancel = (requestId: number): HostToWorker => ({ kind: 'cancel', requestId });
/** Three requests sent before the engine is ready, and the echoes they must get back, in order. */
const postThree = (t: { post(m: HostToWorker): void }): void => [1, 2, 3].forEach((id) => t.post(cancel(id)));
const ECHOES = [1, 2, 3].map((requestId) => ({ kind: 'echo', requestId }));
const scope = globalThis as unknown as Record<string, unknown>;

afterEach(() => {
  delete scope.Worker;
  delete scope.__fakeWorkerScope;
});

/** Starts a thread and collects what it reports, until `count` messages arrived. */
function start(prefer: EngineThreadKind, script = ECHO_ENGINE): { kinds: EngineThreadKind[]; warnings: string[]; messages: Promise<unknown[]>; post(m: HostToWorker): void; failures: Error[] } {
  const kinds: EngineThreadKind[] = [];
  const warnings: string[] = [];
  const failures: Error[] = [];
  const got: unknown[] = [];
  let done: (v: unknown[]) => void = () => undefined;
  const messages = new Promise<unknown[]>((resolve) => (done = resolve));
  const events: EngineThreadEvents = {
    message: (m) => {
      got.push(m);
      if (got.length === 4) done(got);
    },
    failed: (e) => failures.push(e),
  };
  const thread = browserEngineThread({ script: async () => script, prefer, log: (level, m) => level === 'warn' && warnings.push(m), started: (k) => kinds.push(k) })(events);
  return { kinds, warnings, messages, post: (m) => thread.post(m), failures };
}

/** A stand-in for a browser's Worker: runs the script on this thread with the scope as its port; `fail` makes it error at start instead. */
function installWorker(fail: boolean): void {
  scope.Worker = class {
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onerror: ((e: { message?: string }) => void) | null = null;
    private readonly inner: { onmessage: ((e: { data: unknown }) => void) | null; postMessage(m: unknown): void };
    constructor(url: string) {
      assert.match(url, /^blob:/);
      this.inner = { onmessage: null, postMessage: (m) => setTimeout(() => this.onmessage?.({ data: m }), 0) };
      setTimeout(async () => {
        if (fail) return this.onerror?.({ message: 'blocked by the host' });
        scope.__fakeWorkerScope = this.inner;
        new Function(await (await fetchBlob(url)).text())();
      }, 0);
    }
    postMessage(m: unknown): void {
      setTimeout(() => this.inner.onmessage?.({ data: m }), 0);
    }
    terminate(): void {}
  };
}

// Node resolves blob: URLs made by URL.createObjectURL through its buffer module.
const fetchBlob = async (url: string): Promise<Blob> => (await import('node:buffer')).resolveObjectURL(url) as Blob;

test('without a Worker the engine runs on the host thread and gets what was sent before it was ready, in order', async () => {
  const t = start('worker');
  postThree(t);
  const got = await t.messages;
  assert.deepEqual(t.kinds, ['host']);
  assert.match(t.warnings[0] ?? '', /no Worker/);
  assert.deepEqual(got.slice(1), ECHOES);
});

test('with a Worker the engine runs in it; messages wait for its first one', async () => {
  installWorker(false);
  const t = start('worker');
  postThree(t);
  const got = await t.messages;
  assert.deepEqual(t.kinds, ['worker']);
  assert.deepEqual(t.warnings, []);
  assert.deepEqual(got.slice(1), ECHOES);
});

test('a worker that fails before it is ready hands its queue to the host thread; the setting can ask for the host', async () => {
  installWorker(true);
  const failing = start('worker');
  postThree(failing);
  assert.deepEqual((await failing.messages).slice(1), ECHOES);
  assert.deepEqual(failing.kinds, ['host']);
  assert.match(failing.warnings[0] ?? '', /blocked by the host/);

  installWorker(false);
  const asked = start('host');
  postThree(asked);
  await asked.messages;
  assert.deepEqual(asked.kinds, ['host']);
});

test('an engine bundle that throws is a clear failure, not a hang', async () => {
  const t = start('host', 'throw new Error("bad bundle")');
  await new Promise((r) => setTimeout(r, 20));
  assert.match(t.failures[0]?.message ?? '', /the engine could not start: bad bundle/);
});
