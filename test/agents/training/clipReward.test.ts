import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipReward } from '../../../agents/training/clipReward.ts';

test('clipReward squeezes rewards into [-bound, bound] and leaves them alone when the bound is 0', () => {
  assert.equal(clipReward(20, 1), 1);
  assert.equal(clipReward(-3, 1), -1);
  assert.equal(clipReward(0.5, 1), 0.5);
  assert.equal(clipReward(0, 1), 0);
  assert.equal(clipReward(90, 0), 90);
  assert.equal(clipReward(-90, 0), -90);
});
