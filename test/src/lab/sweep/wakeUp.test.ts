/** The queue loops' sleep: an event ends it at once, one that came while awake is not lost, abort ends it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WakeUp } from '../../../../src/lab/sweep/wakeUp.ts';

test('a signal ends the sleep at once; a signal while awake ends the next sleep; abort ends it; else it times out', async () => {
  const wakeUp = new WakeUp();
  let t = performance.now();
  setTimeout(wakeUp.signal, 10);
  await wakeUp.sleep(5000);
  assert.ok(performance.now() - t < 1000, 'woken by the signal');
  wakeUp.signal();
  t = performance.now();
  await wakeUp.sleep(5000);
  assert.ok(performance.now() - t < 1000, 'a signal while awake is remembered');
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 10);
  t = performance.now();
  await wakeUp.sleep(5000, stop.signal);
  assert.ok(performance.now() - t < 1000, 'abort ends the sleep');
  t = performance.now();
  await wakeUp.sleep(30);
  assert.ok(performance.now() - t >= 25, 'without a signal it sleeps its time');
});
