import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayBuffer } from '../../../agents/dqn/replayBuffer.ts';
import { Rng } from '../../../src/core/rng.ts';

/** 2x1 frames, k = 3, channels last: a stack is [f(t-2) f(t-1) f(t)] per pixel, newest last. */
const SHAPE = [2, 1, 3] as const;

/** Frame value for (episode, t): distinct bytes so any mix-up shows. */
const frame = (episode: number, t: number): [number, number] => [episode * 40 + t * 2, episode * 40 + t * 2 + 1];

/** The stacked observation FrameStack would produce: first frame repeated before the episode start. */
function stackAt(episode: number, t: number): Float32Array {
  const out = new Float32Array(6);
  for (let c = 0; c < 3; c++) {
    const [a, b] = frame(episode, Math.max(0, t - (2 - c)));
    out[c] = a / 255;
    out[3 + c] = b / 255;
  }
  return out;
}

interface Recorded {
  obs: Float32Array;
  next: Float32Array;
  action: number;
  reward: number;
  terminated: boolean;
}

/** Feeds `episodes` episodes of the given lengths; returns every transition added, in order. */
function fill(buffer: ReplayBuffer, lengths: readonly number[], truncateLast = false): Recorded[] {
  const recorded: Recorded[] = [];
  lengths.forEach((length, episode) => {
    for (let t = 0; t < length; t++) {
      const ended = t === length - 1;
      const terminated = ended && !(truncateLast && episode === lengths.length - 1);
      const record = { obs: stackAt(episode, t), next: stackAt(episode, t + 1), action: (episode + t) % 3, reward: episode * 10 + t, terminated };
      buffer.add(record.obs, record.action, record.reward, record.next, terminated, ended);
      recorded.push(record);
    }
  });
  return recorded;
}

const key = (r: { obs: Float32Array; next: Float32Array; action: number; reward: number; terminated: boolean }): string =>
  `${Array.from(r.obs).join(',')}|${Array.from(r.next).join(',')}|${r.action}|${r.reward}|${r.terminated}`;

function sampledKeys(buffer: ReplayBuffer, n: number, seed: number): string[] {
  const batch = buffer.sample(n, Rng.fromSeed(seed));
  const keys: string[] = [];
  for (let b = 0; b < n; b++) {
    keys.push(
      key({
        obs: batch.observations.subarray(b * 6, b * 6 + 6),
        next: batch.nextObservations.subarray(b * 6, b * 6 + 6),
        action: batch.actions[b] as number,
        reward: batch.rewards[b] as number,
        terminated: batch.dones[b] === 1,
      }),
    );
  }
  return keys;
}

test('sampled transitions are exactly the ones added, stacks rebuilt without crossing episodes', () => {
  const buffer = new ReplayBuffer(64, SHAPE);
  const recorded = fill(buffer, [5, 1, 4, 2]);
  const expected = new Set(recorded.map(key));
  const seen = new Set(sampledKeys(buffer, 500, 1));
  for (const k of seen) assert.ok(expected.has(k), `sampled a transition never added: ${k}`);
  // 500 uniform draws over 12 transitions see them all; an off-by-one would miss or invent some.
  assert.equal(seen.size, expected.size);
});

test('an episode start pads with its first frame (as FrameStack at reset), not the previous episode', () => {
  const buffer = new ReplayBuffer(64, SHAPE);
  fill(buffer, [3, 3]);
  // Slots: episode 0 uses 0..3 (3 = its final obs), episode 1 starts at slot 4.
  assert.deepEqual(Array.from(buffer.stackAt(4)), Array.from(stackAt(1, 0)));
  assert.deepEqual(Array.from(buffer.stackAt(5)), Array.from(stackAt(1, 1)));
  assert.deepEqual(Array.from(buffer.stackAt(3)), Array.from(stackAt(0, 3)));
});

test('terminated transitions are marked done; truncated ones are not (they bootstrap)', () => {
  const buffer = new ReplayBuffer(64, SHAPE);
  const recorded = fill(buffer, [2, 3], true);
  const batch = buffer.sample(300, Rng.fromSeed(3));
  const doneRewards = new Set<number>();
  for (let b = 0; b < 300; b++) if (batch.dones[b] === 1) doneRewards.add(batch.rewards[b] as number);
  assert.deepEqual([...doneRewards], [1]); // episode 0's last step (reward 0*10+1); episode 1 was truncated
  assert.equal(recorded.filter((r) => r.terminated).length, 1);
});

test('after wrapping around, samples are still exact: only transitions still held, oldest stack padded', () => {
  const buffer = new ReplayBuffer(16, SHAPE);
  const recorded = fill(buffer, [6, 6, 6, 6]);
  const expected = new Set(recorded.map(key));
  let exact = 0;
  for (const k of sampledKeys(buffer, 400, 2)) if (expected.has(k)) exact++;
  // Transitions whose stack reaches past the oldest slot are padded, so a few may differ from
  // what the agent saw; all others must match exactly.
  assert.ok(exact >= 360, `only ${exact}/400 sampled transitions matched`);
  // 28 slots were written into 16: nothing of episodes 0 and 1 (rewards < 20) may be sampled.
  const rewards = new Set(Array.from(buffer.sample(400, Rng.fromSeed(5)).rewards));
  for (const reward of rewards) assert.ok(reward >= 20, `reward ${reward} belongs to an overwritten episode`);
});

test('frames are stored once as bytes: bytes per transition and exact round-trip of x = byte / 255', () => {
  assert.equal(ReplayBuffer.bytesPerTransition([84, 84, 4]), 84 * 84 + 8);
  for (let byte = 0; byte < 256; byte += 17) {
    const exact = new ReplayBuffer(4, [1, 1, 1]);
    // The env hands over float32 observations; the stored byte must give back the same float32.
    exact.add(Float32Array.of(byte / 255), 0, 0, Float32Array.of(0), true, true);
    assert.equal(exact.stackAt(0)[0], Math.fround(byte / 255));
  }
});

/** Every sampled multi-step transition, keyed by its first observation's newest byte (episode * 40 + t * 2). */
function sampledMultiStep(buffer: ReplayBuffer, nStep: number, gamma: number): Map<number, { reward: number; steps: number; done: number; nextNewest: number }> {
  const batch = buffer.sample(400, Rng.fromSeed(5), { nStep, gamma });
  const seen = new Map<number, { reward: number; steps: number; done: number; nextNewest: number }>();
  for (let b = 0; b < 400; b++) {
    const newest = Math.round((batch.observations[b * 6 + 2] as number) * 255);
    const nextNewest = Math.round((batch.nextObservations[b * 6 + 2] as number) * 255);
    seen.set(newest, { reward: batch.rewards[b] as number, steps: batch.steps[b] as number, done: batch.dones[b] as number, nextNewest });
  }
  return seen;
}

test('n-step samples sum discounted rewards within the episode and stop at its end', () => {
  const buffer = new ReplayBuffer(64, SHAPE);
  // Episode 0: 5 transitions (rewards 0..4), terminated; episode 1: 4 transitions (10..13), truncated.
  fill(buffer, [5, 4], true);
  const seen = sampledMultiStep(buffer, 3, 0.5);
  assert.equal(seen.size, 9, 'every transition was sampled');
  const at = (episode: number, t: number) => seen.get(frame(episode, t)[0]);
  // Mid-episode: three rewards, bootstrap from t + 3.
  assert.deepEqual(at(0, 1), { reward: 1 + 0.5 * 2 + 0.25 * 3, steps: 3, done: 0, nextNewest: frame(0, 4)[0] });
  // Two transitions before termination: stop there, no bootstrap.
  assert.deepEqual(at(0, 3), { reward: 3 + 0.5 * 4, steps: 2, done: 1, nextNewest: frame(0, 5)[0] });
  // Never into the next episode; a truncation bootstraps from the final observation.
  assert.deepEqual(at(1, 2), { reward: 12 + 0.5 * 13, steps: 2, done: 0, nextNewest: frame(1, 4)[0] });
  assert.deepEqual(at(1, 0), { reward: 10 + 0.5 * 11 + 0.25 * 12, steps: 3, done: 0, nextNewest: frame(1, 3)[0] });
});

test('n-step sampling with n = 1 is the one-step sampling, and it never walks past the newest transition', () => {
  const one = new ReplayBuffer(64, SHAPE);
  fill(one, [6]);
  assert.deepEqual(one.sample(50, Rng.fromSeed(9), { nStep: 1, gamma: 0.5 }), { ...one.sample(50, Rng.fromSeed(9)) });
  // An episode still running: its newest transition has no successor yet, so the walk stops there.
  const running = new ReplayBuffer(64, SHAPE);
  for (let t = 0; t < 3; t++) running.add(stackAt(0, t), 0, 1, stackAt(0, t + 1), false, false);
  const seen = sampledMultiStep(running, 5, 1);
  assert.deepEqual(seen.get(frame(0, 0)[0]), { reward: 3, steps: 3, done: 0, nextNewest: frame(0, 3)[0] });
  assert.deepEqual(seen.get(frame(0, 2)[0]), { reward: 1, steps: 1, done: 0, nextNewest: frame(0, 3)[0] });
});
