/**
 * saveReplay: the replay buffer goes into the checkpoint and comes back on resume (same stacks,
 * priorities, counters); without it the resume line says the buffer is refilled. Also: a start
 * that fails its memory check leaves no folder behind.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDqnConfig, type DqnConfigInput } from '../../../agents/dqn/config.ts';
import { PrioritizedReplayBuffer } from '../../../agents/dqn/prioritizedReplay.ts';
import { ReplayBuffer } from '../../../agents/dqn/replayBuffer.ts';
import { restoreReplay, saveReplay } from '../../../agents/dqn/replaySnapshot.ts';
import { trainDqn } from '../../../agents/dqn/train.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DOT_SHAPE, DotEnv } from './dotEnv.ts';

await initBackend('wasm');

function fill(buffer: ReplayBuffer, steps: number): void {
  const env = new DotEnv();
  const rng = Rng.fromSeed(2);
  let { observation } = env.reset({ seed: 0 });
  for (let i = 0; i < steps; i++) {
    const result = env.step(rng.int(0, 2));
    const ended = result.terminated || result.truncated;
    buffer.add(observation, i % 3, result.reward, result.observation, result.terminated, ended);
    observation = ended ? env.reset({ seed: i }).observation : result.observation;
  }
}

test('a saved replay buffer (wrapped ring, prioritized) restores the same transitions into a larger ring', () => {
  const dir = tempDir('replay');
  const saved = new PrioritizedReplayBuffer(50, DOT_SHAPE, { alpha: 0.5, epsilon: 1e-6 });
  fill(saved, 130);
  saved.updatePriorities(Int32Array.from([3, 7]), Float32Array.from([5, 0.1]));
  saveReplay(dir, saved);
  const restored = new PrioritizedReplayBuffer(80, DOT_SHAPE, { alpha: 0.5, epsilon: 1e-6 });
  const count = restoreReplay(dir, restored);
  const order = saved.exportRing().order;
  let valid = 0;
  order.forEach((slot, i) => {
    if (saved.exportRing().valid[slot] !== 1) return;
    valid++;
    assert.deepEqual(restored.stackAt(i), saved.stackAt(slot), `stack of slot ${slot}`);
    assert.equal(restored.priorityOf(i), saved.priorityOf(slot));
  });
  // The running episode is closed at restore: its last transition stays, bootstrapping.
  assert.equal(count, valid);
  assert.equal(restored.added, saved.added);
  const batch = restored.sample(8, Rng.fromSeed(1));
  assert.equal(batch.actions.length, 8);
});

const quiet = (lines: string[]): TrainingProgress => ({ update: () => undefined, log: (line) => void lines.push(line), stop: () => undefined });
const tiny = (overrides: DqnConfigInput) =>
  parseDqnConfig({ env: 'Dot-v0', totalSteps: 120, bufferSize: 1_000, learningStarts: 40, trainFrequency: 4, batchSize: 4, evalInterval: 100_000, checkpointInterval: 100_000, ...overrides });

test('resume with saveReplay restores the buffer and updates at once; without it the log says it refills', async () => {
  for (const saveReplay of [true, false]) {
    const out = tempDir('replay-run');
    await trainDqn(tiny({ saveReplay }), out, { makeEnv: () => new DotEnv(), progress: quiet([]), skipFinal: true, stopAfterSteps: 80 });
    assert.equal(existsSync(join(out, 'checkpoint', 'replay.bin')), saveReplay);
    const lines: string[] = [];
    const resumed = await trainDqn(tiny({ saveReplay }), out, { makeEnv: () => new DotEnv(), progress: quiet(lines), skipFinal: true, resume: true });
    assert.equal(resumed.state.step, 120);
    const line = lines.find((l) => l.startsWith('resuming at step 80')) ?? '';
    if (saveReplay) {
      assert.match(line, /replay buffer restored from the checkpoint: \d+ transitions/);
      assert.equal(resumed.state.updates, 11 + 10, 'updates continue at once: steps 40..80, then 84..120');
    } else {
      assert.match(line, /the replay buffer is refilled with 40 steps of the current policy before updates resume/);
      assert.equal(resumed.state.updates, 11 + 1, 'no updates while refilling: steps 81..119 only fill the buffer');
    }
  }
});

test('a bufferSize that cannot fit is refused up front, naming the field, and leaves no folder behind', async () => {
  const out = join(tempDir('replay-big'), 'run');
  await assert.rejects(
    trainDqn(tiny({ bufferSize: 2_000_000_000, totalSteps: 2_000_000_000 }), out, { makeEnv: () => new DotEnv(), progress: quiet([]) }),
    (error: unknown) => error instanceof FieldError && error.field === 'bufferSize' && /would need .* of memory/.test(error.reason),
  );
  assert.ok(!existsSync(out));
});
