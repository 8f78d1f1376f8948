import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrioritizedReplayBuffer } from '../../../agents/dqn/prioritizedReplay.ts';
import { Rng } from '../../../src/core/rng.ts';

/** 2x1 frames, k = 1: each transition's reward is its index, so a sample names its transition. */
const SHAPE = [2, 1, 1] as const;
const frame = (t: number): Float32Array => Float32Array.of((t % 256) / 255, ((t + 1) % 256) / 255);

/** Adds one episode of `length` transitions with rewards first, first + 1, ...; the last one terminates. */
function addEpisode(buffer: PrioritizedReplayBuffer, first: number, length: number): void {
  for (let t = first; t < first + length; t++) {
    const ended = t === first + length - 1;
    buffer.add(frame(t), 0, t, frame(t + 1), ended, ended);
  }
}

/** Which ring slot holds the transition of each reward, read off a large sample. */
function slotsByReward(buffer: PrioritizedReplayBuffer, rng: Rng): Map<number, number> {
  const batch = buffer.sample(2_000, rng);
  const map = new Map<number, number>();
  batch.rewards.forEach((reward, b) => map.set(reward, batch.slots[b] as number));
  return map;
}

test('new transitions get the largest priority so far; episode-final observations get none', () => {
  const buffer = new PrioritizedReplayBuffer(64, SHAPE, { alpha: 1, epsilon: 1e-6 });
  addEpisode(buffer, 0, 5);
  const slots = slotsByReward(buffer, Rng.fromSeed(1));
  assert.deepEqual([...slots.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4], 'every transition and nothing else is sampled');
  buffer.updatePriorities(Int32Array.of(slots.get(2) as number), Float32Array.of(7));
  addEpisode(buffer, 5, 3);
  const later = slotsByReward(buffer, Rng.fromSeed(2));
  for (const reward of [5, 6, 7]) assert.ok(Math.abs(buffer.priorityOf(later.get(reward) as number) - 7) < 1e-5, `transition ${reward} starts at the max priority 7`);
  assert.equal(buffer.priorityOf(5), 0, 'slot 5 holds episode 1\'s final observation, no transition');
});

test('sampling follows the priorities (|TD error| + epsilon)^alpha, and beta-weights undo it', () => {
  const buffer = new PrioritizedReplayBuffer(64, SHAPE, { alpha: 0.5, epsilon: 1e-6 });
  addEpisode(buffer, 0, 10);
  const rng = Rng.fromSeed(3);
  const slots = slotsByReward(buffer, rng);
  // TD errors (r + 1)^2 with alpha 0.5: priority r + 1, so P(r) = (r + 1) / 55.
  const rewards = [...slots.keys()];
  buffer.updatePriorities(Int32Array.from(rewards, (r) => slots.get(r) as number), Float32Array.from(rewards, (r) => (r + 1) ** 2));
  const n = 22_000;
  const batch = buffer.sample(n, rng, { beta: 1 });
  const counts = new Array<number>(10).fill(0);
  batch.rewards.forEach((r) => (counts[r] = (counts[r] as number) + 1));
  counts.forEach((count, r) => assert.ok(Math.abs(count / n - (r + 1) / 55) < 0.005, `reward ${r}: frequency ${count / n}, expected ${(r + 1) / 55}`));
  // beta 1: weight proportional to 1 / P, scaled so the rarest (r = 0) weighs 1.
  batch.weights.forEach((w, b) => assert.ok(Math.abs(w - 1 / ((batch.rewards[b] as number) + 1)) < 1e-5, `weight ${w} of reward ${batch.rewards[b]}`));
  const unweighted = buffer.sample(100, rng, { beta: 0 });
  assert.ok(unweighted.weights.every((w) => w === 1), 'beta 0 weighs every sample 1');
});

test('overwritten slots lose their priority and are never sampled', () => {
  const buffer = new PrioritizedReplayBuffer(8, SHAPE, { alpha: 1, epsilon: 1e-6 });
  addEpisode(buffer, 0, 30);
  const batch = buffer.sample(1_000, Rng.fromSeed(4));
  const sampled = new Set(batch.rewards);
  // 8 slots after the episode ended: the empty head (where the next episode starts), the final
  // observation (no transition from it) and the 6 newest transitions.
  assert.deepEqual([...sampled].sort((a, b) => a - b), [24, 25, 26, 27, 28, 29]);
  let stored = 0;
  for (let slot = 0; slot < 8; slot++) if (buffer.priorityOf(slot) > 0) stored++;
  assert.equal(stored, 6);
});

test('alpha 0 samples uniformly whatever the TD errors', () => {
  const buffer = new PrioritizedReplayBuffer(64, SHAPE, { alpha: 0, epsilon: 1e-6 });
  addEpisode(buffer, 0, 4);
  const rng = Rng.fromSeed(5);
  const slots = slotsByReward(buffer, rng);
  buffer.updatePriorities(Int32Array.from([0, 1, 2, 3], (r) => slots.get(r) as number), Float32Array.of(0, 100, 3, 0.5));
  for (const slot of slots.values()) assert.equal(buffer.priorityOf(slot), 1);
  assert.ok(buffer.sample(50, rng, { beta: 1 }).weights.every((w) => Math.abs(w - 1) < 1e-6));
});

test('the same seed draws the same prioritized batch; bad inputs are refused', () => {
  const buffer = new PrioritizedReplayBuffer(64, SHAPE, { alpha: 0.5, epsilon: 1e-6 });
  addEpisode(buffer, 0, 20);
  assert.deepEqual(buffer.sample(16, Rng.fromSeed(6), { beta: 0.4 }), buffer.sample(16, Rng.fromSeed(6), { beta: 0.4 }));
  assert.throws(() => buffer.updatePriorities(Int32Array.of(0, 1), Float32Array.of(1)), /2 slots but 1 TD errors/);
  assert.throws(() => new PrioritizedReplayBuffer(64, SHAPE, { alpha: 0.5, epsilon: 0 }), /epsilon must be > 0/);
  assert.throws(() => new PrioritizedReplayBuffer(64, SHAPE, { alpha: 0.5, epsilon: 1e-6 }).sample(4, Rng.fromSeed(1)), /nothing to sample yet/);
});
