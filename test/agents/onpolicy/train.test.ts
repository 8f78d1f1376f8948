import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { readFlatWeights } from '../../../agents/a3c/sharedParams.ts';
import { trainOnPolicy } from '../../../agents/onpolicy/train.ts';
import { resolvePpoConfig } from '../../../agents/ppo/config.ts';
import { ppoUpdaterFactory } from '../../../agents/ppo/updater.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { resolveTrpoConfig } from '../../../agents/trpo/config.ts';
import { trpoUpdaterFactory } from '../../../agents/trpo/updater.ts';
import { loadModel } from '../../../src/core/tensor/fileIO.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DotEnv } from '../dqn/dotEnv.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';

await initBackend('wasm');

const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };
const makeEnv = () => new DotEnv();
const shared = { env: 'Dot-v0', numEnvs: 8, gamma: 0.9, logEverySteps: 384, checkpointEverySteps: 1_000_000, evalSeed: 500, backend: 'wasm' } as const;

// Sizes from scratch runs on the tiny pixel env (greedy optimum +12, random play about -1):
// PPO passes +10 after ~2,300 steps, TRPO ~+9 after ~5,000; both are graded greedily on 10 episodes.
const algorithms = [
  { name: 'ppo', factory: ppoUpdaterFactory, config: (o: object) => resolvePpoConfig({ ...shared, numSteps: 24, minibatchSize: 48, epochs: 4, learningRate: 1e-3, clipRange: 0.2, annealClipRange: false, totalSteps: 4_608, ...o }), goal: 9 },
  { name: 'trpo', factory: trpoUpdaterFactory, config: (o: object) => resolveTrpoConfig({ ...shared, numSteps: 48, maxKl: 0.05, fisherFraction: 0.25, valueLearningRate: 1e-3, totalSteps: 6_144, ...o }), goal: 7 },
] as const;

for (const algorithm of algorithms) {
  test(`${algorithm.name} learns the tiny pixel env: greedy return >= ${algorithm.goal} (random about -1)`, async () => {
    const out = tempDir(algorithm.name);
    const result = await trainOnPolicy(algorithm.name, algorithm.config({}) as never, algorithm.factory as never, out, { makeEnv, progress: quiet });
    assert.ok(result.grade !== undefined);
    assert.ok(result.grade.evaluation.meanReturn >= algorithm.goal, `greedy ${result.grade.evaluation.meanReturn}, random ${result.grade.random.meanReturn}`);
    assert.ok(result.grade.evaluation.meanReturn > result.grade.random.meanReturn + 5);
    const csv = readFileSync(join(out, 'training.csv'), 'utf8');
    assert.match(csv.split('\n')[0] ?? '', /^step,episodes,recentReturn/);
  });

  // Run seed 0 (the default) once failed this: its net seed is -1, so the second layer's
  // initializer got seed 0, which tfjs treats as "no seed" (agents/networks.ts initializerSeed).
  test(`${algorithm.name}: resume continues bit for bit where the checkpoint was (mid-episode envs included)`, async () => {
    // 2 updates straight, against 1 update, a stop with its checkpoint, and a resume for the 2nd.
    // numSteps is not a multiple of the episode length (12), so the envs stop mid-episode.
    const steps = { numSteps: 20, totalSteps: 320 };
    const straight = tempDir(`${algorithm.name}-straight`);
    // numTensors flat: runs after the learning test (tfjs's one-time caches exist by then).
    const before = tf.memory().numTensors;
    await trainOnPolicy(algorithm.name, algorithm.config(steps) as never, algorithm.factory as never, straight, { makeEnv, progress: quiet, skipFinal: true });
    const split = tempDir(`${algorithm.name}-split`);
    const first = await trainOnPolicy(algorithm.name, algorithm.config(steps) as never, algorithm.factory as never, split, { makeEnv, progress: quiet, stopAfterSteps: 1, skipFinal: true });
    assert.equal(first.stoppedBy, 'limit');
    assert.equal(first.step, 160);
    await trainOnPolicy(algorithm.name, algorithm.config(steps) as never, algorithm.factory as never, split, { makeEnv, progress: quiet, resume: true, skipFinal: true });
    const dir = algorithm.name === 'ppo' ? 'actor-critic' : 'policy';
    const a = await loadModel(join(straight, 'checkpoint', dir));
    const b = await loadModel(join(split, 'checkpoint', dir));
    const state = (p: string) => JSON.parse(readFileSync(join(p, 'checkpoint', 'state.json'), 'utf8')) as { rngState: number[]; episodesInProgress: unknown[]; recentReturns: number[]; step: number; episodes: number; updates: number };
    assert.deepEqual(readFlatWeights(b), readFlatWeights(a));
    // Adam's moments and step count (and TRPO's value net, which Adam fits) bit for bit too.
    const bytes = (p: string, file: string) => readFileSync(join(p, 'checkpoint', file));
    assert.ok(bytes(split, 'optimizer.bin').equals(bytes(straight, 'optimizer.bin')), 'optimizer state differs');
    if (algorithm.name === 'trpo') assert.ok(bytes(split, 'value/weights.bin').equals(bytes(straight, 'value/weights.bin')), 'value net differs');
    assert.deepEqual(state(split).rngState, state(straight).rngState);
    assert.deepEqual(state(split).episodesInProgress, state(straight).episodesInProgress);
    assert.deepEqual(state(split).recentReturns, state(straight).recentReturns);
    assert.deepEqual([state(split).step, state(split).episodes, state(split).updates], [320, state(straight).episodes, 2]);
    a.dispose();
    b.dispose();
    assert.equal(tf.memory().numTensors, before, 'three runs leave no tensor behind');
  });
}
