import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { budget, everyNth, everyStep, strategic, actionPreference, actionProbabilities } from '../../../../src/lab/adversary/timing.ts';
import { AdversarialObservation } from '../../../../src/lab/adversary/adversarialObservation.ts';
import { makeAttack, makeTiming } from '../../../../src/lab/adversary/fromConfig.ts';
import type { TimingStrategy } from '../../../../src/lab/adversary/types.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { linearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

function attackedSteps(timing: TimingStrategy, preferences: number[]): number[] {
  const attacked: number[] = [];
  let attackedSoFar = 0;
  preferences.forEach((p, step) => {
    // two actions: probabilities (0.5 + p/2, 0.5 - p/2) have preference p
    if (timing.shouldAttack({ step, probabilities: Float32Array.from([0.5 + p / 2, 0.5 - p / 2]), attackedSoFar })) {
      attacked.push(step);
      attackedSoFar++;
    }
  });
  return attacked;
}

test('timing strategies attack exactly the steps they should', () => {
  const preferences = [0.1, 0.9, 0.5, 0.2, 0.8, 0.05, 0.7, 0.3];
  assert.deepEqual(attackedSteps(everyStep(), preferences), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(attackedSteps(everyNth(3), preferences), [0, 3, 6]);
  assert.deepEqual(attackedSteps(strategic(0.5), preferences), [1, 2, 4, 6]);
  assert.deepEqual(attackedSteps(budget(0.25), preferences), [3, 7]);
  assert.deepEqual(attackedSteps(budget(0.5, 0.6), preferences), [1, 4, 6]);
  assert.ok(Math.abs(actionPreference(Float32Array.from([0.7, 0.2, 0.1])) - 0.6) < 1e-6);
});

test('actionProbabilities is the softmax of the logits, so c(s) of Q-values that differ by ln 3 is 0.5', () => {
  const probabilities = actionProbabilities(Float32Array.from([2, 2 + Math.log(3)]));
  assert.ok(Math.abs((probabilities[0] ?? 0) - 0.25) < 1e-6 && Math.abs((probabilities[1] ?? 0) - 0.75) < 1e-6);
  assert.ok(Math.abs(actionPreference(probabilities) - 0.5) < 1e-6);
});

test('bad timing parameters are UserErrors naming the field', () => {
  assert.throws(() => everyNth(0), (e: Error) => e instanceof UserError && /timing\.n/.test(e.message));
  assert.throws(() => strategic(1.5), (e: Error) => e instanceof UserError && /timing\.beta/.test(e.message));
  assert.throws(() => budget(-0.1), (e: Error) => e instanceof UserError && /timing\.fraction/.test(e.message));
});

// 84x84x4 is not needed here: a 4x4x2 observation keeps 1,000 steps fast.
const rng = Rng.fromSeed(7);
const weights = Array.from({ length: 32 }, () => [rng.normal(), rng.normal(), rng.normal()]);
const victim = linearPolicy(weights, [4, 4, 2]);

test('the adversary logs clean vs attacked actions and the attack rate, leaking no tensors over 1,000 steps', () => {
  const adversary = new AdversarialObservation({
    victim,
    source: victim,
    attack: makeAttack({ kind: 'fgsm', eps: 0.5, norm: 'linf', scope: 'all' }),
    timing: makeTiming({ kind: 'everyN', n: 2 }),
    rng: Rng.fromSeed(1),
  });
  const observationRng = Rng.fromSeed(2);
  const before = tf.memory().numTensors;
  let changed = 0;
  for (let step = 0; step < 1000; step++) {
    if (step % 100 === 0) adversary.resetEpisode();
    const observation = Float32Array.from({ length: 32 }, () => observationRng.float());
    const seen = adversary.perceive(observation);
    const cleanAction = tf.tidy(() => victim.act(tf.tensor4d(observation, [1, 4, 4, 2]))[0]);
    assert.equal(seen.cleanAction, cleanAction);
    assert.equal(seen.attacked, step % 2 === 0);
    if (!seen.attacked) {
      assert.equal(seen.observation, observation, 'unattacked steps pass the clean observation through');
      assert.equal(seen.attackedAction, cleanAction);
    } else {
      assert.ok(seen.deltaNorms.linf <= 0.5 + 1e-6 && seen.deltaNorms.linf > 0);
      assert.equal(seen.attackedAction, tf.tidy(() => victim.act(tf.tensor4d(seen.observation, [1, 4, 4, 2]))[0]));
      if (seen.attackedAction !== seen.cleanAction) changed++;
    }
  }
  assert.equal(tf.memory().numTensors, before, 'numTensors flat');
  assert.equal(adversary.attackRate(), 0.5);
  assert.ok(changed > 100, `a large FGSM step flips many actions (${changed} of 500)`);
});
