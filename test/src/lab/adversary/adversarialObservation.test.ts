import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { AdversarialObservation } from '../../../../src/lab/adversary/adversarialObservation.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { makeAttack, makeTiming } from '../../../../src/lab/adversary/fromConfig.ts';
import { actionPreference } from '../../../../src/lab/adversary/timing.ts';
import type { TimingContext } from '../../../../src/lab/adversary/types.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { randomLinearPolicy, type linearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const SHAPE: [number, number, number] = [4, 4, 2];
const SIZE = 32;

function observations(seed: number, count: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: SIZE }, () => rng.float()));
}

test('black-box transfer: the attack uses the source gradient, actions and timing are read as documented', () => {
  const victim = randomLinearPolicy(SHAPE, 1);
  const source = randomLinearPolicy(SHAPE, 2);
  const contexts: TimingContext[] = [];
  const adversary = new AdversarialObservation({
    victim,
    source,
    attack: makeAttack({ kind: 'fgsm', eps: 0.1, norm: 'linf', scope: 'all' }),
    // records what the timing strategy is shown, attacks every step
    timing: { name: 'spy', usesProbabilities: true, shouldAttack: (context) => (contexts.push({ ...context, probabilities: Float32Array.from(context.probabilities) }), true), reset: () => undefined },
    rng: Rng.fromSeed(3),
  });
  for (const [step, observation] of observations(4, 20).entries()) {
    const seen = adversary.perceive(observation);
    tf.tidy(() => {
      const x = tf.tensor4d(observation, [1, ...SHAPE]);
      const expected = fgsm(source, x, { eps: 0.1, norm: 'linf', scope: 'all' });
      assert.deepEqual(seen.observation, expected.dataSync(), 'perturbed with the substitute, not the victim');
      assert.equal(seen.cleanAction, victim.act(x)[0]);
      assert.equal(seen.attackedAction, victim.act(expected)[0]);
      const sourceProbabilities = tf.softmax(source.logits(x)).dataSync();
      const shown = contexts[step]?.probabilities ?? new Float32Array();
      shown.forEach((p, a) => assert.ok(Math.abs(p - (sourceProbabilities[a] ?? NaN)) < 1e-6, 'timing sees the source policy'));
      assert.equal(contexts[step]?.step, step);
      assert.equal(contexts[step]?.attackedSoFar, step);
    });
  }
});

test('strategic timing through the wrapper attacks exactly the steps whose preference reaches beta', () => {
  const victim = randomLinearPolicy(SHAPE, 5);
  const beta = 0.5;
  const adversary = new AdversarialObservation({
    victim,
    source: victim,
    attack: makeAttack({ kind: 'fgsm', eps: 0.05, norm: 'l2' }),
    timing: makeTiming({ kind: 'strategic', beta }),
    rng: Rng.fromSeed(6),
  });
  let expectedAttacks = 0;
  const all = observations(7, 200);
  for (const observation of all) {
    const preference = tf.tidy(() => actionPreference(tf.softmax(victim.logits(tf.tensor4d(observation, [1, ...SHAPE]))).dataSync() as Float32Array));
    const seen = adversary.perceive(observation);
    assert.equal(seen.attacked, preference >= beta);
    if (seen.attacked) expectedAttacks++;
    else assert.deepEqual(seen.deltaNorms, { l0: 0, l1: 0, l2: 0, linf: 0 });
  }
  assert.ok(expectedAttacks > 0 && expectedAttacks < all.length, `beta splits the steps (${expectedAttacks} of ${all.length})`);
  assert.equal(adversary.attackRate(), expectedAttacks / all.length);
});

test('the budget resets per episode while the attack rate spans episodes; random attacks are seeded', () => {
  const victim = randomLinearPolicy(SHAPE, 8);
  const run = (): { attacked: boolean[]; seen: Float32Array[]; rate: number } => {
    const adversary = new AdversarialObservation({
      victim,
      source: victim,
      attack: makeAttack({ kind: 'random', eps: 0.02, norm: 'linf' }),
      timing: makeTiming({ kind: 'budget', fraction: 0.5 }),
      rng: Rng.fromSeed(9),
    });
    const attacked: boolean[] = [];
    const seen: Float32Array[] = [];
    for (let episode = 0; episode < 2; episode++) {
      adversary.resetEpisode();
      for (const observation of observations(10, 4)) {
        const result = adversary.perceive(observation);
        attacked.push(result.attacked);
        seen.push(result.observation);
      }
    }
    return { attacked, seen, rate: adversary.attackRate() };
  };
  const first = run();
  // fraction 0.5 of steps seen so far in the episode: steps 1 and 3 (0-based) of each episode
  assert.deepEqual(first.attacked, [false, true, false, true, false, true, false, true]);
  assert.equal(first.rate, 0.5);
  assert.deepEqual(run().seen, first.seen, 'same seed, same perturbations');
});

/** The policy with a count of its forward passes (logits and inputGradient calls). */
function counted(policy: ReturnType<typeof linearPolicy>): { policy: typeof policy; calls: () => number } {
  let calls = 0;
  const view = Object.create(policy) as typeof policy;
  view.logits = (obs) => (calls++, policy.logits(obs));
  return { policy: view, calls: () => calls };
}

test('white-box, every step: the clean action comes from the attack\'s own forward pass (FGSM: 2 passes per step, not 3; PGD with a random start too)', () => {
  for (const config of [
    { kind: 'fgsm', eps: 0.1, norm: 'linf' },
    { kind: 'pgd', eps: 0.1, norm: 'linf', steps: 3, randomStart: true },
  ] as const) {
    const base = randomLinearPolicy(SHAPE, 8);
    const { policy: victim, calls } = counted(base);
    const adversary = new AdversarialObservation({ victim, source: victim, attack: makeAttack(config), timing: makeTiming({ kind: 'every' }), rng: Rng.fromSeed(9) });
    const all = observations(10, 30);
    const before = tf.memory().numTensors;
    let changed = 0;
    for (const observation of all) {
      const seen = adversary.perceive(observation);
      const x = tf.tensor4d(observation, [1, ...SHAPE]);
      assert.equal(seen.cleanAction, base.act(x)[0], `${config.kind}: the clean action is the victim's greedy action on the clean observation`);
      x.dispose();
      if (seen.cleanAction !== seen.attackedAction) changed++;
    }
    assert.equal(tf.memory().numTensors, before, `${config.kind}: no tensors left behind`);
    assert.ok(changed > 0, `${config.kind}: the attack changes some actions`);
    const perStep = calls() / all.length;
    if (config.kind === 'fgsm') assert.equal(perStep, 2, 'FGSM: one forward (with its gradient) at the clean view + one at the attacked view');
    // PGD's clean-label pass is at the clean view too (its random start comes after), so it
    // doubles as the clean action: labels + 3 gradient steps + the last iterate's loss + attacked view.
    else assert.equal(perStep, 1 + 3 + 1 + 1, 'PGD: no clean forward of its own');
  }
});
