/**
 * Defensive distillation end to end on the tiny DotEnv with a hand-built teacher: at T = 100 the
 * deployed student (T = 1) agrees with the teacher's greedy actions on held-out states while the
 * FGSM cross-entropy gradient there is exactly zero in float32 (the saturated softmax: Papernot et
 * al.'s gradient masking); at T = 1 the same recipe leaves the gradient alive. Runs are
 * deterministic under a seed, checkpoint and resume.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { parseDistillConfig, type DistillConfigInput } from '../../../agents/distill/config.ts';
import { trainDistill } from '../../../agents/distill/train.ts';
import { join } from 'node:path';
import { LayersPolicy } from '../../../agents/layersPolicy.ts';
import type { Policy } from '../../../agents/policy.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { loadModel } from '../../../src/core/tensor/fileIO.ts';
import { attackDirection } from '../../../src/lab/adversary/gradient.ts';
import { DOT_SHAPE, DotEnv } from '../dqn/dotEnv.ts';
import { linearPolicy } from '../../helpers/linearPolicy.ts';
import { tempDir } from '../../helpers/tempDir.ts';

await initBackend('wasm');

const SIDE = 24;
const CELL = 4;
/**
 * The DotEnv expert as a linear policy on the newest frame: top-half pixels (value 1) weigh their
 * cell index / 48 (a 12 x 4 block sums to the agent's cell a), bottom-half pixels (128/255) their
 * cell index / (48 * 128/255) (the dot's cell d). Logits 2 (a - d), 2 (d - a), 0 for left, right,
 * stay: the greedy action walks to the dot, with gaps of 2 or more.
 */
function dotTeacher(): Policy {
  const weights: number[][] = [];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const cell = Math.floor(x / CELL);
      weights.push([0, 0, 0]); // previous frame
      const feature = y < SIDE / 2 ? cell / 48 : -cell / ((48 * 128) / 255);
      weights.push([2 * feature, -2 * feature, 0]);
    }
  }
  return linearPolicy(weights, [...DOT_SHAPE]);
}

const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };
const teacher = dotTeacher();

function config(overrides: Partial<DistillConfigInput>) {
  return parseDistillConfig({
    env: 'Dot-v0',
    teacher: 'the linear DotEnv expert (test)',
    architecture: 'dqn2013',
    totalSteps: 500,
    learningRate: 1e-3,
    datasetSize: 2_000,
    warmupSteps: 300,
    teacherShareSteps: 300,
    logInterval: 100,
    checkpointInterval: 250,
    evalEpisodes: 0,
    ...overrides,
  });
}

/** 120 held-out observations from the teacher's play on seeds no training episode used. */
function heldOut(): tf.Tensor4D {
  const env = new DotEnv();
  const observations: Float32Array[] = [];
  for (let episode = 0; observations.length < 120; episode++) {
    let { observation } = env.reset({ seed: 90_000 + episode });
    for (let t = 0; t < 12; t++) {
      observations.push(observation);
      const action = tf.tidy(() => teacher.act(tf.tensor4d(observation, [1, ...DOT_SHAPE]))[0] ?? 2);
      const result = env.step(action);
      if (result.terminated) break;
      observation = result.observation;
    }
  }
  const flat = new Float32Array(observations.length * observations[0]!.length);
  observations.forEach((o, i) => flat.set(o, i * o.length));
  return tf.tensor4d(flat, [observations.length, ...DOT_SHAPE]);
}

async function distil(temperature: number, out = tempDir('distill')): Promise<{ policy: Policy; out: string }> {
  await trainDistill(config({ temperature }), out, { teacher, makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  // skipFinal writes no model folder; the last checkpoint holds the student as deployed.
  return { policy: new LayersPolicy(await loadModel(join(out, 'checkpoint', 'student'))), out };
}

/** Agreement with the teacher, and the share of states whose FGSM gradient is exactly zero. */
function measure(student: Policy, states: tf.Tensor4D): { agreement: number; zeroGradient: number } {
  const mine = student.act(states);
  const theirs = teacher.act(states);
  const agreement = mine.filter((a, i) => a === theirs[i]).length / mine.length;
  const gradient = tf.tidy(() => attackDirection(student, states).dataSync());
  const size = gradient.length / mine.length;
  let zero = 0;
  for (let row = 0; row < mine.length; row++) if (gradient.subarray(row * size, (row + 1) * size).every((g) => g === 0)) zero++;
  return { agreement, zeroGradient: zero / mine.length };
}

test('T = 100: the deployed student matches the teacher on held-out states and its FGSM gradient is exactly zero; T = 1 keeps it', async () => {
  const states = heldOut();
  const hot = measure((await distil(100)).policy, states);
  const cold = measure((await distil(1)).policy, states);
  console.log(`# distillation on DotEnv, 500 updates: T = 100 agreement ${hot.agreement.toFixed(3)}, zero-gradient states ${hot.zeroGradient.toFixed(3)}; T = 1 agreement ${cold.agreement.toFixed(3)}, zero-gradient ${cold.zeroGradient.toFixed(3)}`);
  assert.ok(hot.agreement >= 0.95, `T = 100 agreement ${hot.agreement}`);
  assert.ok(hot.zeroGradient >= 0.9, `T = 100: exact-zero FGSM gradient on ${hot.zeroGradient} of the states`);
  assert.equal(cold.zeroGradient, 0, 'T = 1: the gradient survives everywhere');
  states.dispose();
});

test('distillation is deterministic under a seed, checkpoints and resumes', async () => {
  const weightsOf = async (dir: string): Promise<Float32Array[]> => {
    const model = await loadModel(join(dir, 'checkpoint', 'student'));
    const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    model.dispose();
    return weights;
  };
  const small = { temperature: 20, totalSteps: 120, warmupSteps: 100, checkpointInterval: 50 };
  const a = tempDir('distill-a');
  const b = tempDir('distill-b');
  for (const out of [a, b]) await trainDistill(config(small), out, { teacher, makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  assert.deepEqual(await weightsOf(a), await weightsOf(b));
  const c = tempDir('distill-c');
  const first = await trainDistill(config(small), c, { teacher, makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, stopAfterSteps: 60 });
  assert.equal(first.stoppedBy, 'limit');
  let before = tf.memory().numTensors;
  const resumed = await trainDistill(config(small), c, { teacher, makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, resume: true });
  assert.equal(resumed.step, 120);
  const resumedLeft = tf.memory().numTensors - before;
  // numTensors flat across updates: runs of 60 and 240 updates leave the same few tensors (the
  // harness's), and a resumed run (loaded student and Adam) no more than a fresh one.
  const left: number[] = [];
  for (const totalSteps of [60, 240]) {
    before = tf.memory().numTensors;
    await trainDistill(config({ ...small, totalSteps }), tempDir('distill-d'), { teacher, makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
    left.push(tf.memory().numTensors - before);
  }
  assert.equal(left[0], left[1], `tensors left by 60 and 240 updates: ${left.join(', ')}`);
  assert.ok(resumedLeft <= (left[0] as number), `a resumed run left ${resumedLeft}, a fresh one ${left[0]}`);
});
