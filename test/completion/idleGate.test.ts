import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleGate } from '../../src/completion/idleGate';
import { fakeTimers } from './fakeTimers';

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
