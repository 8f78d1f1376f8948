import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stallWatch } from '../../../agents/a3c/stallWatch.ts';

test('a run with no step and no message for longer than the timeout has stalled', () => {
  const watch = stallWatch(0, 10_000, 1000, 0);
  for (let now = 1000; now <= 10_000; now += 1000) assert.equal(watch.tick(now, 0), false);
  assert.equal(watch.tick(11_000, 0), true);
});

test('steps or worker messages keep a run alive', () => {
  const watch = stallWatch(0, 10_000, 1000, 0);
  let steps = 0;
  for (let now = 1000; now <= 30_000; now += 1000) {
    if (now % 5000 === 0) steps += 1;
    if (now % 7000 === 0) watch.activity(now);
    assert.equal(watch.tick(now, steps), false);
  }
});

test('a suspended process (one late tick) starts the wait again instead of failing the run', () => {
  const watch = stallWatch(0, 120_000, 1000, 0);
  assert.equal(watch.tick(1000, 0), false);
  // SIGSTOP for 5 minutes: the next tick comes 300 s late; the workers were frozen too.
  assert.equal(watch.tick(301_000, 0), false);
  assert.equal(watch.tick(302_000, 0), false);
  // A real stall afterwards is still caught.
  let now = 302_000;
  while (now < 421_000) assert.equal(watch.tick((now += 1000), 0), false);
  assert.equal(watch.tick(424_000, 0), true);
});
