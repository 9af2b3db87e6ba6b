import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleGate, Timers } from '../../src/completion/idleGate';

/** Timers driven by hand: `advance(ms)` runs what falls due. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout: (fn, ms) => {
      due.set(++next, { at: now + ms, fn });
      return next;
    },
    clearTimeout: (h) => void due.delete(h as number),
    advance(ms) {
      now += ms;
      for (const [h, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && due.delete(h)) t.fn();
      }
    },
  };
}

test('the gate starts busy, turns idle after the quiet time, and busy again at the first keystroke', () => {
  const timers = fakeTimers();
  const heard: boolean[] = [];
  const gate = new IdleGate(1500, (idle) => heard.push(idle), timers);
  assert.equal(gate.isIdle, false);
  timers.advance(1499);
  assert.equal(gate.isIdle, false);
  timers.advance(1);
  assert.deepEqual(heard, [true]);
  gate.activity();
  assert.deepEqual(heard, [true, false]);
  // Keys closer together than the quiet time keep it busy, and each change is heard once.
  for (let i = 0; i < 10; i++) {
    timers.advance(1000);
    gate.activity();
  }
  assert.deepEqual(heard, [true, false]);
  timers.advance(1500);
  assert.deepEqual(heard, [true, false, true]);
  gate.activity();
  gate.dispose();
  timers.advance(5000);
  gate.activity();
  timers.advance(5000);
  assert.deepEqual(heard, [true, false, true, false], 'a disposed gate hears nothing more');
});
