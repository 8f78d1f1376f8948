/**
 * Behaviour cloning as a Learner of the training harness: a Q-network-shaped policy trained, by
 * supervised cross-entropy, to imitate a teacher from pixels (teacher.ts: the scripted player, or
 * any Policy / label oracle for distillation and model extraction). The network is the 2013 DQN
 * net, so attacks see the same architecture a DQN would have. Data collection mixes in random
 * actions (the teacher still labels every state) so the student sees states off the teacher's own
 * path, as DAgger motivates (Ross et al. 2011). No checkpoint: a run takes about a minute.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Env } from '../../src/core/gym/env.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';
import { Rng } from '../../src/core/rng.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildQNetwork } from '../networks.ts';
import type { Policy } from '../policy.ts';
import { finalGradeOnly } from '../training/grade.ts';
import { FRESH_START, NonFiniteLossError, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { envFactoryFor, probeEnv, type EnvFactory } from '../training/learnerEnv.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
import type { TrainingLog } from '../training/trainingLog.ts';
import type { BcConfig } from './config.ts';
import { resolveTeacher, type LabelOracle, type Teacher } from './teacher.ts';

export const BC_TRAINING_COLUMNS = ['step', 'loss', 'batchAccuracy', 'wallSeconds'] as const;

export interface BcTrainingOptions {
  /** A teacher object instead of config.teacher's name (library callers: any Policy or label oracle). */
  readonly teacher?: Policy | LabelOracle | undefined;
  readonly makeEnv?: EnvFactory | undefined;
}

interface Dataset {
  readonly frames: Uint8Array;
  readonly labels: Int32Array;
  readonly size: number;
}

function collect(config: BcConfig, env: Env<Float32Array>, teacher: Teacher, rng: Rng): Dataset {
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

export class BcTraining extends LearnerBase<BcConfig> implements Learner {
  private model: tfl.LayersModel | undefined;
  private optimizer: tf.Optimizer | undefined;
  private data: Dataset | undefined;
  private rng: Rng;
  private teacherDescription = '';
  private current = { step: 0, loss: Number.NaN, accuracy: Number.NaN };

  constructor(
    config: BcConfig,
    private readonly options: BcTrainingOptions = {},
  ) {
    super(config, probeEnv(envFactoryFor(config, options.makeEnv)), {
      algorithm: 'bc',
      columns: BC_TRAINING_COLUMNS,
      cadence: { logEvery: config.logInterval, checkpointEvery: Number.POSITIVE_INFINITY, rowAtEnd: true },
      grading: finalGradeOnly(config),
      title: `Behaviour cloning on ${config.env}: training loss`,
      totalSteps: config.totalSteps,
    });
    this.rng = Rng.fromSeed(config.seed);
  }

  get step(): number {
    return this.current.step;
  }

  async start(_outDir: string, _resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    const chosen = await resolveTeacher(this.options.teacher ?? config.teacher, config.env, this.shape);
    this.teacherDescription = chosen.description;
    log(`collecting ${config.samples} observations labelled by the ${chosen.description}`);
    const env = this.envFactory();
    this.data = collect(config, env, chosen.teacher, this.rng);
    env.close();
    this.model = buildQNetwork(this.shape, this.actionCount, this.rng.seed());
    this.optimizer = tf.train.adam(config.learningRate);
    return FRESH_START;
  }

  metrics(): Metrics {
    return { episodes: 0, recentReturn: Number.NaN, loss: this.current.loss, columns: { loss: this.current.loss, batchAccuracy: this.current.accuracy } };
  }

  async run(ctx: RunContext): Promise<void> {
    const { config, shape, actionCount } = this;
    const data = this.data as Dataset;
    const model = this.model as tfl.LayersModel;
    const optimizer = this.optimizer as tf.Optimizer;
    while (this.current.step < config.totalSteps) {
      if (this.current.step % 32 === 0) await letSignalsIn();
      if (ctx.stopRequested()) return;
      const batch = new Float32Array(config.batchSize * data.size);
      const labels = new Int32Array(config.batchSize);
      for (let b = 0; b < config.batchSize; b++) {
        const index = this.rng.int(0, config.samples - 1);
        for (let j = 0; j < data.size; j++) batch[b * data.size + j] = (data.frames[index * data.size + j] as number) / 255;
        labels[b] = data.labels[index] as number;
      }
      const [loss, accuracy] = tf.tidy(() => {
        const x = tf.tensor4d(batch, [config.batchSize, ...shape]);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), actionCount);
        const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
        const correct = tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32'));
        return [cost.dataSync()[0] ?? Number.NaN, correct.dataSync()[0] ?? 0];
      });
      this.current = { step: this.current.step + 1, loss, accuracy };
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(this.current.step, loss);
      await ctx.advance(this.current.step);
    }
  }

  async saveCheckpoint(): Promise<void> {
    // Nothing to resume from: a behaviour-cloning run is short, and its data is re-collected from the seed.
  }

  protected deployedModel(): tfl.LayersModel {
    return this.model as tfl.LayersModel;
  }

  policy(): Policy {
    return new LayersPolicy(this.model as tfl.LayersModel);
  }

  agentFields(): Record<string, unknown> {
    return { teacher: this.teacherDescription };
  }

  renderCurve(log: TrainingLog): Buffer {
    return renderLinePlot({ title: this.title, xLabel: 'update', yLabel: 'cross-entropy', series: [{ name: 'loss', ...log.series('loss') }] });
  }

  dispose(): void {
    this.model?.dispose();
    this.optimizer?.dispose();
    this.model = undefined;
    this.optimizer = undefined;
  }
}
