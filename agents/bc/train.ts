/**
 * Behaviour cloning: a Q-network-shaped policy trained, by supervised cross-entropy, to imitate a
 * scripted player from pixels. It is a quick, real, competent victim for attacks (the network is
 * the 2013 DQN net, so attacks see the same architecture a DQN would have) while the RL agents train.
 * Data collection mixes in random actions (the teacher still labels every state) so the student
 * sees states off the teacher's own path, as DAgger motivates (Ross et al. 2011).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';
import { scriptedAgentFor } from '../../envs/scriptedPlayers.ts';
import { Rng } from '../../src/core/rng.ts';
import { backendInfo } from '../../src/core/tensor/backend.ts';
import { saveModel } from '../../src/core/tensor/fileIO.ts';
import { evaluate, evaluateRandom } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildQNetwork } from '../networks.ts';

export interface BehaviourCloningConfig {
  readonly env: string;
  readonly envOptions: EnvOptions;
  /** Labelled observations collected from the teacher. */
  readonly samples: number;
  /** Probability of taking a random action while collecting (the teacher still labels). */
  readonly exploration: number;
  readonly trainSteps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly evalEpisodes: number;
}

export const defaultBehaviourCloningConfig: Omit<BehaviourCloningConfig, 'env' | 'envOptions'> = {
  samples: 12_000,
  exploration: 0.3,
  trainSteps: 1_500,
  batchSize: 32,
  learningRate: 5e-4,
  seed: 0,
  evalEpisodes: 10,
};

function collect(config: BehaviourCloningConfig, rng: Rng): { frames: Uint8Array; labels: Int32Array; size: number } {
  const env = makeEnv(config.env, config.envOptions);
  const teacher = scriptedAgentFor(config.env, env.observationSpace.shape);
  const size = env.observationSpace.size;
  const frames = new Uint8Array(config.samples * size);
  const labels = new Int32Array(config.samples);
  let { observation, info } = env.reset({ seed: config.seed });
  let episode = 0;
  for (let i = 0; i < config.samples; i++) {
    const label = teacher(observation, info);
    for (let j = 0; j < size; j++) frames[i * size + j] = Math.round((observation[j] as number) * 255);
    labels[i] = label;
    const action = rng.chance(config.exploration) ? env.actionSpace.sample(rng) : label;
    const result = env.step(action);
    ({ observation, info } = result);
    if (result.terminated || result.truncated) ({ observation, info } = env.reset({ seed: config.seed + ++episode }));
  }
  return { frames, labels, size };
}

export async function trainBehaviourCloning(config: BehaviourCloningConfig, outDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const rng = Rng.fromSeed(config.seed);
  const env = makeEnv(config.env, config.envOptions);
  const shape = env.observationSpace.shape as [number, number, number];
  const actions = env.actionSpace.n;
  log(`collecting ${config.samples} teacher-labelled observations`);
  const data = collect(config, rng);
  const model = buildQNetwork(shape, actions, rng.seed());
  const optimizer = tf.train.adam(config.learningRate);
  const rows: string[] = ['step,loss,batchAccuracy,wallSeconds'];
  const losses: number[] = [];
  const steps: number[] = [];
  for (let step = 1; step <= config.trainSteps; step++) {
    const batch = new Float32Array(config.batchSize * data.size);
    const labels = new Int32Array(config.batchSize);
    for (let b = 0; b < config.batchSize; b++) {
      const index = rng.int(0, config.samples - 1);
      for (let j = 0; j < data.size; j++) batch[b * data.size + j] = (data.frames[index * data.size + j] as number) / 255;
      labels[b] = data.labels[index] as number;
    }
    const [loss, accuracy] = tf.tidy(() => {
      const x = tf.tensor4d(batch, [config.batchSize, ...shape]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), actions);
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
      const correct = tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32'));
      return [cost.dataSync()[0] ?? Number.NaN, correct.dataSync()[0] ?? 0];
    });
    if (!Number.isFinite(loss)) throw new Error(`behaviour cloning: loss became ${loss} at step ${step}; stopping`);
    if (step % 50 === 0 || step === config.trainSteps) {
      const wall = (Date.now() - started) / 1000;
      rows.push(`${step},${loss},${accuracy},${wall}`);
      losses.push(loss);
      steps.push(step);
      log(`step ${step}/${config.trainSteps} loss ${loss.toFixed(4)} batch accuracy ${(100 * accuracy).toFixed(1)}% (${wall.toFixed(0)} s)`);
    }
  }
  const policy = new LayersPolicy(model as tfl.LayersModel);
  const evaluation = evaluate(policy, makeEnv(config.env, config.envOptions), config.evalEpisodes, 10_000 + config.seed);
  const random = evaluateRandom(makeEnv(config.env, config.envOptions), config.evalEpisodes, 10_000 + config.seed, Rng.fromSeed(config.seed + 1));
  log(`greedy return over ${config.evalEpisodes} episodes: ${evaluation.meanReturn.toFixed(2)} ± ${evaluation.stdReturn.toFixed(2)} (random play: ${random.meanReturn.toFixed(2)})`);
  await saveModel(model, outDir);
  const wallSeconds = (Date.now() - started) / 1000;
  writeJsonAtomic(join(outDir, 'config.json'), config);
  writeFileAtomic(join(outDir, 'training.csv'), `${rows.join('\n')}\n`);
  writeFileAtomic(join(outDir, 'learning-curve.png'), renderLinePlot({ title: `Behaviour cloning on ${config.env}: training loss`, xLabel: 'update', yLabel: 'cross-entropy', series: [{ name: 'loss', x: steps, y: losses }] }));
  writeJsonAtomic(join(outDir, 'agent.json'), {
    algorithm: 'bc',
    teacher: `scripted player for ${config.env} (envs/scriptedPlayers.ts)`,
    env: { id: config.env, options: config.envOptions },
    inputShape: shape,
    actionCount: actions,
    actionNames: env.actionSpace.actionNames,
    trainedSteps: config.trainSteps,
    wallTimeSeconds: wallSeconds,
    backend: backendInfo().name,
    evaluation: { episodes: config.evalEpisodes, returns: evaluation.returns, meanReturn: evaluation.meanReturn, stdReturn: evaluation.stdReturn, seed: 10_000 + config.seed },
    randomBaseline: { meanReturn: random.meanReturn, stdReturn: random.stdReturn },
  });
  optimizer.dispose();
}
