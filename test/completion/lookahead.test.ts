import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lookahead } from '../../src/completion/lookahead';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('work ahead runs after the delay; a request for the same place waits for it, any other drops it', async () => {
  const ahead = new Lookahead(20);
  const runs: string[] = [];
  const work = (name: string) => async (signal: AbortSignal): Promise<void> => {
    runs.push(`${name} start`);
    await sleep(30);
    runs.push(signal.aborted ? `${name} aborted` : `${name} done`);
  };
  // Dropped before it starts: never runs.
  ahead.schedule('doc#1', 'function greet', work('a'));
  assert.equal(ahead.join('doc#1', 'function greet'), null, 'not started yet: nothing to wait for');
  await sleep(40);
  assert.deepEqual(runs, []);
  // Started: a request for the same place gets its promise and finds it done.
  ahead.schedule('doc#1', 'function greet', work('b'));
  ahead.schedule('doc#1', 'function greet', work('b again')); // the same place again: the pending one stays
  await sleep(30);
  const joined = ahead.join('doc#1', 'function greet');
  assert.ok(joined);
  await joined;
  assert.deepEqual(runs, ['b start', 'b done']);
  // A request elsewhere aborts work in flight.
  ahead.schedule('doc#1', 'function farewell', work('c'));
  await sleep(25);
  assert.equal(ahead.join('doc#2', 'x'), null);
  await sleep(40);
  assert.deepEqual(runs.slice(2), ['c start', 'c aborted']);
  // Work that fails is over all the same.
  ahead.schedule('doc#1', 'y', async () => {
    throw new Error('engine gone');
  });
  await sleep(30);
  await ahead.join('doc#1', 'y');
  ahead.cancel();
});
