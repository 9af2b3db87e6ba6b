import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineClient, EngineThreadEvents, RESEND_CONTEXT_CHARS, StartEngineThread } from '../../src/completion/engineClient';
import { CONTEXT_LIMITS } from '../../src/model/inference/contextFiles';
import type { HostToWorker } from '../../src/shared/engineProtocol';

// The engine client over threads that answer from a script: a crash fails what waits, a late second report of the
// same end is ignored, and the next request starts a thread that loads the last model before anything else.

const INFO = { name: 'm', backend: 'cpu', backendNotes: [], minContextChars: 1, maxContextChars: 8, hiddenSize: 1, layers: 1, loadMs: 0, loadId: 1 };

interface Started {
  events: EngineThreadEvents;
  posted: HostToWorker[];
  terminated: boolean;
}

/** Threads that answer loads and suggestions at once (or never, while `silent`). */
function threads(): { start: StartEngineThread; all: Started[]; silent: boolean } {
  const all: Started[] = [];
  const box = { all, silent: false, start: ((events) => {
    const t: Started = { events, posted: [], terminated: false };
    all.push(t);
    return {
      post: (m) => {
        t.posted.push(m);
        if (box.silent) return;
        setTimeout(() => {
          if (m.kind === 'load') events.message({ kind: 'loaded', requestId: m.requestId, info: INFO });
          if (m.kind === 'suggest') events.message({ kind: 'suggestion', requestId: m.requestId, candidates: [{ text: 'x', confidence: 1 }], engineMs: 1, encoderSteps: 1 });
        }, 0);
      },
      busy: () => undefined,
      terminate: async () => void (t.terminated = true),
    };
  }) as StartEngineThread };
  return box;
}

const params = { before: 'a', windowStart: 0, atFileStart: true, below: '', path: 'p', language: 'typescript', beamWidth: 1, maxChars: 4, length: 'token' as const, multiline: false, showThreshold: 0.5 };

test('after a crash the next request starts a thread that loads the last model first; late reports of the old one are ignored', async () => {
  const box = threads();
  const logs: string[] = [];
  const client = new EngineClient(box.start, (level, m) => logs.push(`${level} ${m}`));
  await client.load('/models/base', 'cpu');
  box.silent = true;
  const waiting = client.suggest(params);
  await new Promise((r) => setTimeout(r, 5));
  const first = box.all[0]!;
  first.events.failed(new Error('engine worker crashed: boom'));
  await assert.rejects(waiting, /boom/);
  assert.equal(first.terminated, true);
  box.silent = false;
  // The same thread's exit, reported after the crash, and its stray messages reach nobody.
  const answer = client.suggest(params);
  first.events.failed(new Error('engine worker exited with code 1'));
  first.events.message({ kind: 'log', level: 'error', message: 'stale' });
  assert.equal((await answer)?.candidates[0]?.text, 'x');
  const second = box.all[1]!;
  assert.deepEqual(second.posted.map((m) => m.kind), ['load', 'suggest']);
  const reload = second.posted[0] as Extract<HostToWorker, { kind: 'load' }>;
  assert.equal(reload.modelDir, '/models/base');
  // The same load by name (weights adapted from it still fit), under a request id of its own.
  const firstLoad = first.posted[0] as Extract<HostToWorker, { kind: 'load' }>;
  assert.equal(reload.loadId, firstLoad.loadId);
  assert.notEqual(reload.requestId, firstLoad.requestId);
  assert.ok(!logs.some((l) => l.includes('stale') || l.includes('code 1')), logs.join('\n'));
  await client.dispose();
});

test('after a crash the workspace memory comes back with the model, the last one sent; a disposed client sends none', async () => {
  const box = threads();
  const client = new EngineClient(box.start, () => undefined);
  await client.load('/models/base', 'cpu');
  client.memory('old files');
  client.memory('the files now');
  box.all[0]!.events.failed(new Error('engine worker crashed: boom'));
  await client.suggest(params);
  const second = box.all[1]!;
  assert.deepEqual(second.posted.map((m) => m.kind), ['load', 'memory', 'suggest']);
  assert.equal((second.posted[1] as Extract<HostToWorker, { kind: 'memory' }>).text, 'the files now');
  await client.dispose();
  client.memory('after the end');
  assert.equal(box.all.length, 2);
  assert.ok(!box.all.some((t) => t.posted.some((m) => m.kind === 'memory' && m.text === 'after the end')));
});

test('after a crash the other files come back in the order they were sent, the forgotten ones not; old ones past the budget are left to the ring', async () => {
  assert.ok(RESEND_CONTEXT_CHARS >= CONTEXT_LIMITS.maxTotalChars, 'the client keeps at least what the ring holds');
  const box = threads();
  const client = new EngineClient(box.start, () => undefined);
  await client.load('/models/base', 'cpu');
  client.contextFile('a.ts', 'first a');
  client.contextFile('b.ts', 'b');
  client.contextFile('gone.ts', 'deleted later');
  client.contextFile('a.ts', 'a saved again');
  client.contextFile('gone.ts', null);
  client.memory('the files');
  box.all[0]!.events.failed(new Error('engine worker crashed: boom'));
  await client.suggest(params);
  const second = box.all[1]!;
  assert.deepEqual(second.posted.map((m) => m.kind), ['load', 'memory', 'contextFile', 'contextFile', 'suggest']);
  const files = second.posted.filter((m): m is Extract<HostToWorker, { kind: 'contextFile' }> => m.kind === 'contextFile');
  assert.deepEqual(files.map((m) => [m.path, m.text]), [['b.ts', 'b'], ['a.ts', 'a saved again']]);
  // Past the budget the oldest go first; the newest stays even alone over it.
  const big = 'x'.repeat(RESEND_CONTEXT_CHARS / 2);
  client.contextFile('big1.ts', big);
  client.contextFile('big2.ts', big);
  client.contextFile('huge.ts', 'y'.repeat(RESEND_CONTEXT_CHARS + 1));
  box.all[1]!.events.failed(new Error('engine worker crashed: again'));
  await client.suggest(params);
  const third = box.all[2]!;
  assert.deepEqual(third.posted.filter((m) => m.kind === 'contextFile').map((m) => (m as { path: string }).path), ['huge.ts']);
  await client.dispose();
});
