import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StickyActions } from '../../../../../src/core/gym/wrappers/stickyActions.ts';
import { ScriptedEnv } from '../../../../helpers/scriptedEnv.ts';

/** Asks for an action different from the one last taken every step; returns the fraction kept stale. */
function stickyFraction(probability: number, seed: number, steps: number): { fraction: number; taken: number[] } {
  const inner = new ScriptedEnv(steps + 1);
  const env = new StickyActions(inner, probability);
  env.reset({ seed });
  let stale = 0;
  let previous = 0;
  for (let i = 0; i < steps; i++) {
    const requested = previous === 1 ? 2 : 1;
    env.step(requested);
    previous = inner.actions.at(-1) as number;
    if (previous !== requested) stale++;
  }
  return { fraction: stale / steps, taken: inner.actions };
}

test('repeats the previous action with probability p', () => {
  const { fraction } = stickyFraction(0.25, 7, 20_000);
  // Binomial std at n = 20000 is 0.003; 0.02 is over 6 sigma.
  assert.ok(Math.abs(fraction - 0.25) < 0.02, `stale fraction ${fraction}`);
});

test('p = 0 passes every action through; p = 1 keeps the reset NOOP forever', () => {
  assert.equal(stickyFraction(0, 1, 500).fraction, 0);
  assert.deepEqual(new Set(stickyFraction(1, 1, 500).taken), new Set([0]));
});

test('the sticky pattern is a function of the reset seed', () => {
  assert.deepEqual(stickyFraction(0.5, 3, 300).taken, stickyFraction(0.5, 3, 300).taken);
  assert.notDeepEqual(stickyFraction(0.5, 3, 300).taken, stickyFraction(0.5, 4, 300).taken);
});

test('reset forgets the previous action', () => {
  const inner = new ScriptedEnv(100);
  const env = new StickyActions(inner, 1);
  env.reset({ seed: 0 });
  env.step(2);
  env.reset();
  env.step(2);
  assert.deepEqual(inner.actions, [0, 0]);
});

test('rejects a probability outside [0, 1]', () => {
  assert.throws(() => new StickyActions(new ScriptedEnv(), 1.5), /probability/);
});
