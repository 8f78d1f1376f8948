/**
 * Defensive distillation (Papernot et al. 2016) as a Learner of the training harness: a student
 * network trained on a teacher's soft labels at temperature T (loss.ts), deployed at T = 1 (the
 * saved model is the student net as is: its raw logits).
 *
 * Any Policy teaches (a model folder read with loadPolicy: DQN Q-values or A3C policy logits); the
 * student has the teacher's architecture by default. States come DAgger-style (Ross et al. 2011):
 * the teacher's own play first, then more and more the student's greedy play, every visited state
 * relabelled with the teacher's logits, so the student learns on the states it will itself reach.
 * The teacher is fixed, so each state's logits are read once, when it is collected.
 *
 * The student is a conv/dense chain (agents/networks.ts), so its gradient is the fused backward of
 * agents/chainParameterGradient.ts fed the loss's closed-form output gradient (no tape).
 *
 * Checkpoints (OUT/checkpoint/): the student, Adam, counters and rng. The dataset is not saved: a
 * resumed run re-collects `warmupSteps` states with the current teacher share before updating.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FieldError, FileError } from '../../src/core/errors.ts';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';
import { Rng } from '../../src/core/rng.ts';
import { adam } from '../../src/core/tensor/adam.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../src/core/tensor/fileIO.ts';
import { chainParameterGradients, traceChainNet, type ChainNet } from '../chainParameterGradient.ts';
import { loadPolicy, readAgentDescription } from '../loadPolicy.ts';
import { buildQNetwork, type Architecture } from '../networks.ts';
import { argmax, type Policy } from '../policy.ts';
import { writeCheckpointDir } from '../training/checkpointDir.ts';
import { finalGradeOnly } from '../training/grade.ts';
import { FRESH_START, NonFiniteLossError, type HarnessState, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { envFactoryFor, probeEnv, type EnvFactory } from '../training/learnerEnv.ts';
import { RecentMean } from '../training/progress.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
import type { TrainingLog } from '../training/trainingLog.ts';
import { teacherShareAt, type DistillConfig } from './config.ts';
import { distillationLoss } from './loss.ts';

export const DISTILL_CHECKPOINT_DIR = 'checkpoint';
export const DISTILL_TRAINING_COLUMNS = ['step', 'episodes', 'recentReturn', 'loss', 'agreement', 'teacherShare', 'stepsPerSecond', 'wallSeconds'] as const;

export interface DistillTrainingOptions {
  /** A teacher object instead of config.teacher's folder (library callers: any Policy). */
  readonly teacher?: Policy | undefined;
  readonly makeEnv?: EnvFactory | undefined;
}

interface DistillState {
  readonly step: number;
  readonly episodes: number;
  readonly collected: number;
  readonly rngState: number[];
  readonly recentReturns: number[];
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
}

/** The states seen and the teacher's logits on them: a ring of the newest `capacity`. */
class Dataset {
  readonly frames: Uint8Array;
  readonly logits: Float32Array;
  size = 0;
  private next = 0;

  constructor(
    readonly capacity: number,
    readonly pixels: number,
    readonly actions: number,
  ) {
    this.frames = new Uint8Array(capacity * pixels);
    this.logits = new Float32Array(capacity * actions);
  }

  add(observation: Float32Array, logits: ArrayLike<number>): void {
    const at = this.next;
    // Observations are byte / 255 (the frame pipeline's grey levels), so a byte each loses nothing.
    for (let j = 0; j < this.pixels; j++) this.frames[at * this.pixels + j] = Math.round((observation[j] as number) * 255);
    this.logits.set(logits, at * this.actions);
    this.next = (at + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  sample(count: number, rng: Rng): { observations: Float32Array; logits: Float32Array } {
    const observations = new Float32Array(count * this.pixels);
    const logits = new Float32Array(count * this.actions);
    for (let b = 0; b < count; b++) {
      const index = rng.int(0, this.size - 1);
      for (let j = 0; j < this.pixels; j++) observations[b * this.pixels + j] = (this.frames[index * this.pixels + j] as number) / 255;
      logits.set(this.logits.subarray(index * this.actions, (index + 1) * this.actions), b * this.actions);
    }
    return { observations, logits };
  }
}

/** The architecture a model folder was trained with (DQN config.json `architecture`, A3C `network`). */
function teacherArchitecture(dir: string): Architecture {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return 'dqn2013';
  const config = JSON.parse(readFileSync(path, 'utf8')) as { architecture?: string; network?: string };
  const name = config.architecture ?? config.network ?? 'dqn2013';
  if (name === 'dqn2013' || name === 'nature2015' || name === 'patch6') return name;
  throw new FieldError('architecture', `the teacher ${dir} uses '${name}', which a student Q-network cannot copy: set architecture to dqn2013, nature2015 or patch6`);
}

export class DistillTraining extends LearnerBase<DistillConfig> implements Learner {
  private teacher: Policy | undefined;
  private teacherDescription = '';
  /** The temperature the teacher's logits are read at (config.teacherTemperature, or by the teacher's kind). */
  private teacherTemperature = 1;
  private student: tfl.LayersModel | undefined;
  private chain: ChainNet | undefined;
  private optimizer: tf.Optimizer | undefined;
  private dataset: Dataset;
  private rng: Rng;
  private recent = new RecentMean();
  private counters = { step: 0, episodes: 0, collected: 0 };
  private current = { loss: Number.NaN, agreement: Number.NaN };
  private env: Env<Float32Array> | undefined;
  private observation: Float32Array | undefined;
  private episodeReturn = 0;

  constructor(
    config: DistillConfig,
    private readonly options: DistillTrainingOptions = {},
  ) {
    super(config, probeEnv(envFactoryFor(config, options.makeEnv)), {
      algorithm: 'distill',
      columns: DISTILL_TRAINING_COLUMNS,
      cadence: { logEvery: config.logInterval, checkpointEvery: config.checkpointInterval, rowAtEnd: true },
      grading: finalGradeOnly(config),
      title: `Distillation (T = ${config.temperature}) on ${config.env}`,
      totalSteps: config.totalSteps,
      checkpointPath: DISTILL_CHECKPOINT_DIR,
    });
    this.rng = Rng.fromSeed(config.seed);
    this.dataset = new Dataset(config.datasetSize, this.shape[0] * this.shape[1] * this.shape[2], this.actionCount);
  }

  get step(): number {
    return this.counters.step;
  }

  private async loadTeacher(): Promise<{ architecture: Architecture }> {
    const { config } = this;
    const given = this.options.teacher;
    let kind = 'policy';
    let architecture: Architecture = config.architecture === 'teacher' ? 'dqn2013' : config.architecture;
    if (given !== undefined) {
      this.teacher = given;
      this.teacherDescription = 'policy (library caller)';
    } else {
      this.teacher = await loadPolicy(config.teacher);
      this.teacherDescription = `model folder ${config.teacher}`;
      kind = readAgentDescription(config.teacher).algorithm;
      if (config.architecture === 'teacher') architecture = teacherArchitecture(config.teacher);
    }
    const teacher = this.teacher;
    if (teacher.actionCount !== this.actionCount || teacher.inputShape.join('x') !== this.shape.join('x')) {
      throw new FieldError('teacher', `${this.teacherDescription} maps [${teacher.inputShape.join(', ')}] to ${teacher.actionCount} actions; ${config.env} has [${this.shape.join(', ')}] and ${this.actionCount}`);
    }
    this.teacherTemperature = config.teacherTemperature ?? (kind === 'dqn' ? 0.01 : 1);
    return { architecture };
  }

  async start(outDir: string, resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    const { architecture } = await this.loadTeacher();
    let harness: HarnessState = FRESH_START.harness;
    if (!resume) {
      this.student = buildQNetwork(this.shape, this.actionCount, this.rng.seed(), architecture);
      this.optimizer = adam(config.learningRate);
    } else {
      const dir = join(outDir, DISTILL_CHECKPOINT_DIR);
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as DistillState;
      this.student = await loadModel(join(dir, 'student'));
      this.optimizer = await loadOptimizer(dir);
      this.rng = Rng.fromState(state.rngState);
      this.recent = RecentMean.from(state.recentReturns);
      this.counters = { step: state.step, episodes: state.episodes, collected: state.collected };
      harness = { wallSeconds: state.wallSeconds, bestEvalReturn: state.bestEvalReturn };
    }
    this.chain = traceChainNet(this.student);
    if (this.chain === undefined) throw new FileError(outDir, 'the student is not a conv/dense chain');
    const share = resume ? teacherShareAt(config, this.counters.step) : 1;
    log(
      `distilling ${this.teacherDescription} (labels softmax(teacher / ${this.teacherTemperature})) into a ${architecture} student at T = ${config.temperature}` +
        `${resume ? `, resuming at update ${this.counters.step}` : ''}; collecting ${config.warmupSteps} states (teacher share ${share.toFixed(2)}) first`,
    );
    this.env = this.envFactory();
    this.resetEnv();
    for (let i = 0; i < config.warmupSteps; i++) this.collect(share);
    return { step: this.counters.step, harness };
  }

  private resetEnv(): void {
    this.observation = (this.env as Env<Float32Array>).reset({ seed: this.config.seed + this.counters.episodes }).observation;
    this.episodeReturn = 0;
  }

  /** One env step: the teacher labels the state; the teacher (with probability `share`) or the student acts. */
  private collect(share: number): void {
    const env = this.env as Env<Float32Array>;
    const observation = this.observation as Float32Array;
    const logits = tf.tidy(() => (this.teacher as Policy).logits(tf.tensor4d(observation, [1, ...this.shape])).dataSync() as Float32Array);
    this.dataset.add(observation, logits);
    const action = this.rng.chance(share) ? argmax(logits) : this.studentAction(observation);
    const result = env.step(action);
    this.counters.collected++;
    this.episodeReturn += result.reward;
    if (result.terminated || result.truncated) {
      this.recent.push(this.episodeReturn);
      this.counters.episodes++;
      this.resetEnv();
    } else {
      this.observation = result.observation;
    }
  }

  private studentAction(observation: Float32Array): number {
    const obs = tf.tensor4d(observation, [1, ...this.shape]);
    const action = this.policy().act(obs)[0] ?? 0;
    obs.dispose();
    return action;
  }

  /** One Adam step on a minibatch: loss.ts's closed-form output gradient through the fused backward. */
  private update(): { loss: number; agreement: number } {
    const { config, actionCount } = this;
    const { observations, logits } = this.dataset.sample(config.batchSize, this.rng);
    return tf.tidy(() => {
      const obs = tf.tensor4d(observations, [config.batchSize, ...this.shape]);
      // softmax(scaled / T) = softmax(teacher / tau): loss.ts's labels at the teacher's own temperature.
      const scaledTeacher = tf.mul(tf.tensor2d(logits, [config.batchSize, actionCount]), config.temperature / this.teacherTemperature) as tf.Tensor2D;
      let loss: tf.Scalar | undefined;
      const { outputs, gradients } = chainParameterGradients(this.chain as ChainNet, obs, ([student]) => {
        const result = distillationLoss(student as tf.Tensor2D, scaledTeacher, config.temperature);
        loss = tf.keep(result.loss);
        return [result.outputGradient];
      });
      const chain = this.chain as ChainNet;
      (this.optimizer as tf.Optimizer).applyGradients(Object.fromEntries(chain.variables.map((v, i) => [(v.read() as tf.Variable).name, gradients[i] as tf.Tensor])));
      const agree = tf.mean(tf.cast(tf.equal(tf.argMax(outputs[0] as tf.Tensor2D, 1), tf.argMax(scaledTeacher, 1)), 'float32'));
      const read = tf.concat([tf.reshape(loss as tf.Scalar, [1]), tf.reshape(agree, [1])]).dataSync();
      (loss as tf.Scalar).dispose();
      return { loss: read[0] ?? Number.NaN, agreement: read[1] ?? Number.NaN };
    });
  }

  metrics(): Metrics {
    const teacherShare = teacherShareAt(this.config, this.counters.step);
    return {
      episodes: this.counters.episodes,
      recentReturn: this.recent.mean,
      loss: this.current.loss,
      columns: { episodes: this.counters.episodes, recentReturn: this.recent.mean, loss: this.current.loss, agreement: this.current.agreement, teacherShare },
    };
  }

  async run(ctx: RunContext): Promise<void> {
    const { config } = this;
    while (this.counters.step < config.totalSteps) {
      if (this.counters.step % 32 === 0) await letSignalsIn();
      if (ctx.stopRequested()) return;
      const share = teacherShareAt(config, this.counters.step);
      for (let i = 0; i < config.collectPerUpdate; i++) this.collect(share);
      this.current = this.update();
      this.counters.step++;
      if (!Number.isFinite(this.current.loss)) throw new NonFiniteLossError(this.counters.step, this.current.loss, ' (try a lower learningRate)');
      await ctx.advance(this.counters.step);
    }
  }

  async saveCheckpoint(outDir: string, harness: HarnessState): Promise<void> {
    const state: DistillState = { ...this.counters, rngState: this.rng.state(), recentReturns: this.recent.toJSON(), wallSeconds: harness.wallSeconds, bestEvalReturn: harness.bestEvalReturn };
    await writeCheckpointDir(join(outDir, DISTILL_CHECKPOINT_DIR), async (dir) => {
      await saveModel(this.student as tfl.LayersModel, join(dir, 'student'));
      await saveOptimizer(this.optimizer as tf.Optimizer, dir);
      writeJsonAtomic(join(dir, 'config.json'), this.config);
      writeJsonAtomic(join(dir, 'state.json'), state);
    });
  }

  protected deployedModel(): tfl.LayersModel {
    // Deployed at T = 1: the student net as is, its raw logits.
    return this.student as tfl.LayersModel;
  }

  policy(): Policy {
    return this.policyOf(this.student as tfl.LayersModel);
  }

  agentFields(): Record<string, unknown> {
    const { temperature } = this.config;
    return { teacher: this.teacherDescription, temperature, teacherTemperature: this.teacherTemperature, deployedTemperature: 1, updates: this.counters.step, collectedStates: this.counters.collected };
  }

  renderCurve(log: TrainingLog): Buffer {
    return renderLinePlot({ title: this.title, xLabel: 'update', yLabel: 'agreement with the teacher', series: [{ name: 'batch agreement', ...log.series('agreement') }] });
  }

  dispose(): void {
    this.student?.dispose();
    this.optimizer?.dispose();
    this.env?.close();
    this.student = undefined;
    this.optimizer = undefined;
  }
}
