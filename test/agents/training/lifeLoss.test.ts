import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LifeLossTracker } from '../../../agents/training/lifeLoss.ts';
import { makeEnv } from '../../../envs/index.ts';
import { Rng } from '../../../src/core/rng.ts';

test('LifeLossTracker reports exactly the steps whose info shows fewer lives, and resets with the episode', () => {
  const tracker = new LifeLossTracker(true);
  tracker.reset({ lives: 3 });
  assert.deepEqual([{ lives: 3 }, { lives: 2 }, { lives: 2 }, { lives: 1 }].map((info) => tracker.lostLife(info)), [false, true, false, true]);
  tracker.reset({ lives: 3 });
  assert.equal(tracker.lostLife({ lives: 3 }), false, 'a new episode starts from its own lives count');
});

test('LifeLossTracker never reports for games without lives, or when the option is off', () => {
  const noLives = new LifeLossTracker(true);
  noLives.reset({ agentScore: 0 });
  assert.equal(noLives.lostLife({ agentScore: 0, opponentScore: 1 }), false);
  const off = new LifeLossTracker(false);
  off.reset({ lives: 3 });
  assert.equal(off.lostLife({ lives: 2 }), false);
});

test('on Seaquest-v0 random play, the tracker flags each lost life once, before the game is over', () => {
  const env = makeEnv('Seaquest-v0', { size: 42 });
  const rng = Rng.fromSeed(7);
  const tracker = new LifeLossTracker(true);
  tracker.reset(env.reset({ seed: 3 }).info);
  let flagged = 0;
  let flaggedWhileRunning = 0;
  for (let step = 0; step < 20_000; step++) {
    const result = env.step(rng.int(0, 17));
    if (tracker.lostLife(result.info)) {
      flagged++;
      if (!result.terminated) flaggedWhileRunning++;
    }
    if (result.terminated || result.truncated) break;
  }
  assert.equal(flagged, 3, 'three lives, three losses');
  assert.equal(flaggedWhileRunning, 2, 'the first two losses happen while the game goes on');
});
