import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { Throttle } from '../../src/completion/throttle';

// The panel's update throttle: at once when quiet, then at most once per interval, never losing the last change.
test('runs at once when quiet, then once per interval however often it is asked', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let runs = 0;
    const throttle = new Throttle(150, () => runs++);
    throttle.schedule();
    assert.equal(runs, 1, 'quiet: at once');
    // Asked every 10 ms for 290 ms: one trailing run at 150 ms, the next one due at 300 ms.
    const seen: number[] = [];
    for (let t = 10; t < 300; t += 10) {
      mock.timers.tick(10);
      throttle.schedule();
      seen.push(runs);
    }
    assert.equal(seen[13], 1, 'still 1 at 140 ms');
    assert.equal(seen[14], 2, 'the trailing run at 150 ms');
    assert.equal(seen.at(-1), 2, 'still 2 at 290 ms');
    mock.timers.tick(10);
    assert.equal(runs, 3, 'the last request is not lost: it runs at 300 ms');
    mock.timers.tick(1000);
    assert.equal(runs, 3, 'nothing runs without being asked');
    throttle.schedule();
    assert.equal(runs, 4, 'quiet again: at once');
  } finally {
    mock.timers.reset();
  }
});

test('cancel drops the pending run', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let runs = 0;
    const throttle = new Throttle(100, () => runs++);
    throttle.schedule();
    throttle.schedule();
    throttle.cancel();
    mock.timers.tick(500);
    assert.equal(runs, 1);
  } finally {
    mock.timers.reset();
  }
});
