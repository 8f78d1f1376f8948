/**
 * Model extraction as a Learner of the training harness (Papernot et al. 2017): a substitute
 * network learns the victim's decisions from a label oracle alone (oracle.ts: actions, never
 * logits), in rounds:
 *   round 0: the attacker plays the env at random; the oracle labels those observations;
 *   round ρ ≥ 1: new points from (a) Jacobian-based augmentation of earlier points with the
 *   substitute's gradient at the oracle's label (jacobian.ts; λ's sign alternates) and (b) states
 *   of the substitute's own play (DAgger, Ross et al. 2011); the oracle labels them;
 *   in any play, with probability config.oracleActs the step executes the oracle's answer for the
 *   state (DAgger's β; the default 1 makes every round the victim's own trajectories);
 *   every round: cross-entropy updates on all labels so far (weights carried over).
 * The query budget is split evenly over the rounds. The harness's steps are gradient updates; a
 * training.csv row closes each round with the queries so far and the agreement with the victim on
 * held-out states of the victim's own play (agreement.ts; handed in by the evaluator, who built
 * them without the oracle: they are not queries).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Env } from '../../src/core/gym/env.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';
import { Rng } from '../../src/core/rng.ts';
import { adam, type FusedAdam } from '../../src/core/tensor/adam.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildQNetwork } from '../networks.ts';
import type { Policy } from '../policy.ts';
import { finalGradeOnly } from '../training/grade.ts';
import { FRESH_START, NonFiniteLossError, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { envFactoryFor, probeEnv, type EnvFactory } from '../training/learnerEnv.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
import type { TrainingLog } from '../training/trainingLog.ts';
import { agreement } from './agreement.ts';
import { extractLearningRateEnd, type ExtractConfig } from './config.ts';
import { jacobianAugment, roundLambda } from './jacobian.ts';
import { LabelledStates } from './labelledStates.ts';
import type { CountingOracle } from './oracle.ts';

export const EXTRACT_TRAINING_COLUMNS = ['step', 'round', 'queries', 'lambda', 'loss', 'batchAccuracy', 'agreement', 'wallSeconds'] as const;

/** Batch of oracle queries and Jacobian passes (bounded memory; the count is per observation anyway). */
const QUERY_BATCH = 128;

export interface ExtractionOptions {
  /** The attacker's only access to the victim. */
  readonly oracle: CountingOracle;
  /** Held-out states of the victim's own play with its actions (the evaluator's; optional: no agreement column). */
  readonly heldOut?: LabelledStates | undefined;
  /** What agent.json names as the victim (its folder). */
  readonly victimDescription?: string | undefined;
  readonly makeEnv?: EnvFactory | undefined;
}

/** Where the labelled points came from, in queries. */
export interface DataSources {
  randomPlay: number;
  jacobian: number;
  substitutePlay: number;
  /** Of the play states above, those where the oracle's answer was the action executed (config.oracleActs). */
  oracleActed: number;
}

/** Queries of round `round` (0-based): the budget split evenly, the first rounds taking the remainder. */
export function roundBudget(queries: number, rounds: number, round: number): number {
  return Math.floor(queries / rounds) + (round < queries % rounds ? 1 : 0);
}

export class ExtractionTraining extends LearnerBase<ExtractConfig> implements Learner {
  readonly curve: { queries: number; agreement: number; wallSeconds: number }[] = [];
  readonly sources: DataSources = { randomPlay: 0, jacobian: 0, substitutePlay: 0, oracleActed: 0 };

  private readonly rng: Rng;
  private readonly data: LabelledStates;
  private model: tfl.LayersModel | undefined;
  private substitute: LayersPolicy | undefined;
  private optimizer: FusedAdam | undefined;
  private playEnv: Env<Float32Array> | undefined;
  private playObservation: Float32Array | undefined;
  private episodes = 0;
  private round = 0;
  private lambda = 0;
  private current = { step: 0, loss: Number.NaN, accuracy: Number.NaN, agreement: Number.NaN };

  constructor(
    config: ExtractConfig,
    private readonly options: ExtractionOptions,
  ) {
    super(config, probeEnv(envFactoryFor(config, options.makeEnv)), {
      algorithm: 'extract',
      columns: EXTRACT_TRAINING_COLUMNS,
      cadence: { logEvery: config.updatesPerRound, checkpointEvery: Number.POSITIVE_INFINITY, rowAtEnd: true },
      grading: finalGradeOnly(config),
      title: `Model extraction on ${config.env}: agreement with the victim`,
      totalSteps: config.rounds * config.updatesPerRound,
    });
    this.rng = Rng.fromSeed(config.seed);
    this.data = new LabelledStates(config.queries, this.shape);
  }

  get step(): number {
    return this.current.step;
  }

  get queries(): number {
    return this.options.oracle.queries;
  }

  async start(_outDir: string, _resume: boolean, log: (line: string) => void): Promise<StartResult> {
    const { config } = this;
    this.model = buildQNetwork(this.shape, this.actionCount, this.rng.seed(), config.architecture, config.activation);
    this.substitute = new LayersPolicy(this.model);
    // FusedAdam: tf.train.adam's arithmetic in one kernel per variable, and a settable learning rate.
    this.optimizer = adam(config.learningRate);
    this.playEnv = this.envFactory();
    this.playObservation = this.resetPlay();
    log(`extracting ${this.options.victimDescription ?? 'the victim'} with ${config.queries} queries over ${config.rounds} rounds (λ ${config.lambda}, Jacobian share ${config.jacobianFraction})`);
    return FRESH_START;
  }

  metrics(): Metrics {
    const { current } = this;
    return {
      episodes: this.episodes,
      recentReturn: Number.NaN,
      loss: current.loss,
      columns: { round: this.round, queries: this.queries, lambda: this.lambda, loss: current.loss, batchAccuracy: current.accuracy, agreement: current.agreement },
    };
  }

  async run(ctx: RunContext): Promise<void> {
    const { config } = this;
    for (let round = 0; round < config.rounds; round++) {
      if (ctx.stopRequested()) return;
      this.round = round;
      this.gatherRound(round);
      const end = (round + 1) * config.updatesPerRound;
      while (this.current.step < end) {
        if (this.current.step % 32 === 0) await letSignalsIn();
        if (ctx.stopRequested()) return;
        this.update(this.current.step + 1 === end);
        if (this.current.step === end) this.measureAgreement(ctx.wallSeconds());
        await ctx.advance(this.current.step);
      }
      ctx.log(`round ${round}: ${this.queries} queries, ${this.data.size} labelled states, agreement ${(this.current.agreement * 100).toFixed(1)}%`);
    }
  }

  /** This round's new points, labelled by the oracle (every label is one query). */
  private gatherRound(round: number): void {
    const { config } = this;
    const budget = roundBudget(config.queries, config.rounds, round);
    if (round === 0) {
      this.lambda = 0;
      this.labelPlay(budget, 1, 'randomPlay');
      return;
    }
    const jacobian = Math.round(budget * config.jacobianFraction);
    this.lambda = roundLambda(config.lambda, round, config.lambdaFlipEvery);
    // The points to augment are drawn before this round's play adds its own: S_ρ as Papernot's.
    if (jacobian > 0) this.label(this.augment(this.sample(jacobian), this.lambda), 'jacobian');
    if (budget - jacobian > 0) this.labelPlay(budget - jacobian, config.playExploration, 'substitutePlay');
  }

  /**
   * `count` indices of labelled states, without replacement within each pass over the set (a
   * partial Fisher-Yates shuffle); Papernot's reservoir sampling bounds later rounds the same way.
   */
  private sample(count: number): number[] {
    const size = this.data.size;
    const picked: number[] = [];
    while (picked.length < count) {
      const pool = Array.from({ length: size }, (_, i) => i);
      const take = Math.min(size, count - picked.length);
      for (let i = 0; i < take; i++) {
        const j = this.rng.int(i, size - 1);
        const chosen = pool[j] as number;
        pool[j] = pool[i] as number;
        pool[i] = chosen;
        picked.push(chosen);
      }
    }
    return picked;
  }

  /** Jacobian-augmented copies of the states at `indices`, appended (unlabelled); returns the new indices. */
  private augment(indices: readonly number[], lambda: number): number[] {
    const substitute = this.substitute as LayersPolicy;
    const added: number[] = [];
    for (let start = 0; start < indices.length; start += QUERY_BATCH) {
      const chunk = indices.slice(start, start + QUERY_BATCH);
      const labels = chunk.map((index) => this.data.labels[index] as number);
      const values = tf.tidy(() => jacobianAugment(substitute, this.data.batch(chunk), labels, lambda).dataSync() as Float32Array);
      added.push(...this.data.add(values, chunk.length));
    }
    return added;
  }

  /**
   * `count` states of the attacker's own play, appended; the action is the oracle's answer for the
   * state with probability config.oracleActs (the state is then labelled here: the query is the one
   * label() would spend), else random with probability `exploration`, else the substitute's.
   * Returns the indices still to label.
   */
  private play(count: number, exploration: number): number[] {
    const env = this.playEnv as Env<Float32Array>;
    const substitute = this.substitute as LayersPolicy;
    const { oracleActs } = this.config;
    const added: number[] = [];
    for (let i = 0; i < count; i++) {
      const observation = this.playObservation as Float32Array;
      const [index] = this.data.add(observation, 1);
      // No draw when oracleActs is 0, so such runs keep their random stream (and results).
      let action: number;
      if (oracleActs > 0 && this.rng.chance(oracleActs)) {
        action = this.labelOne(index as number);
      } else {
        added.push(index as number);
        action = this.rng.chance(exploration) ? env.actionSpace.sample(this.rng) : tf.tidy(() => substitute.act(tf.tensor4d(observation, [1, ...this.shape]))[0] ?? 0);
      }
      const result = env.step(action);
      this.playObservation = result.terminated || result.truncated ? this.resetPlay() : result.observation;
    }
    return added;
  }

  private resetPlay(): Float32Array {
    const { config } = this;
    const seed = config.seed + this.episodes;
    // Held-out episodes must stay unseen: a training episode never takes one of their seeds.
    if (seed >= config.heldOutSeed && seed < config.heldOutSeed + config.heldOutEpisodes) throw new Error(`extraction: training episode seed ${seed} would replay a held-out episode; choose another seed or heldOutSeed`);
    this.episodes++;
    return (this.playEnv as Env<Float32Array>).reset({ seed }).observation;
  }

  /** `count` play states, all labelled (those the oracle acted on as they were played), counted under `source`. */
  private labelPlay(count: number, exploration: number, source: 'randomPlay' | 'substitutePlay'): void {
    const before = this.sources.oracleActed;
    this.label(this.play(count, exploration), source);
    this.sources[source] += this.sources.oracleActed - before;
  }

  /** Queries the oracle for the stored state at `index` (as stored: grey levels), labels it, and returns the label. */
  private labelOne(index: number): number {
    const obs = this.data.batch([index]);
    let label: number;
    try {
      label = this.options.oracle(obs)[0] as number;
    } finally {
      obs.dispose();
    }
    this.data.setLabels([index], [label]);
    this.sources.oracleActed++;
    return label;
  }

  /** The oracle's labels for the states at `indices` (stored as grey levels, so the victim labels exactly what is trained on). */
  private label(indices: readonly number[], source: keyof DataSources): void {
    for (let start = 0; start < indices.length; start += QUERY_BATCH) {
      const chunk = indices.slice(start, start + QUERY_BATCH);
      const obs = this.data.batch(chunk);
      let labels: number[];
      try {
        labels = this.options.oracle(obs);
      } finally {
        obs.dispose();
      }
      this.data.setLabels(chunk, labels);
    }
    this.sources[source] += indices.length;
  }

  private update(withAccuracy: boolean): void {
    const { config, actionCount } = this;
    const model = this.model as tfl.LayersModel;
    const optimizer = this.optimizer as FusedAdam;
    const end = extractLearningRateEnd(config);
    optimizer.learningRate = config.learningRate + (end - config.learningRate) * (this.current.step / Math.max(1, this.totalSteps - 1));
    const indices = Array.from({ length: config.batchSize }, () => this.rng.int(0, this.data.size - 1));
    const labels = indices.map((index) => this.data.labels[index] as number);
    const [loss, accuracy] = tf.tidy(() => {
      const x = this.data.batch(indices);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), actionCount);
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
      // The batch accuracy costs a second forward pass: only for the rows (the round's last update).
      const correct = withAccuracy ? tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0] ?? 0 : Number.NaN;
      return [cost.dataSync()[0] ?? Number.NaN, correct];
    });
    this.current = { ...this.current, step: this.current.step + 1, loss, accuracy: Number.isNaN(accuracy) ? this.current.accuracy : accuracy };
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(this.current.step, loss);
  }

  private measureAgreement(wallSeconds: number): void {
    const { heldOut } = this.options;
    if (heldOut === undefined) return;
    const value = agreement(this.substitute as LayersPolicy, heldOut);
    this.current = { ...this.current, agreement: value };
    this.curve.push({ queries: this.queries, agreement: value, wallSeconds });
  }

  async saveCheckpoint(): Promise<void> {
    // Nothing to resume from: the oracle's answers are not kept, and asking again would spend queries twice.
  }

  protected deployedModel(): tfl.LayersModel {
    return this.model as tfl.LayersModel;
  }

  policy(): Policy {
    return this.substitute as LayersPolicy;
  }

  agentFields(): Record<string, unknown> {
    const { config } = this;
    const heldOut = this.options.heldOut;
    return {
      victim: this.options.victimDescription ?? 'label oracle (library caller)',
      threatModel: 'black-box: the victim\'s argmax action for submitted observations only (Papernot et al. 2017)',
      queries: this.queries,
      rounds: config.rounds,
      lambda: config.lambda,
      lambdaFlipEvery: config.lambdaFlipEvery,
      architecture: config.architecture,
      activation: config.activation,
      updatesPerRound: config.updatesPerRound,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      learningRateEnd: extractLearningRateEnd(config),
      jacobianFraction: config.jacobianFraction,
      playExploration: config.playExploration,
      oracleActs: config.oracleActs,
      dataSources: { ...this.sources },
      ...(heldOut === undefined
        ? {}
        : {
            agreement: {
              heldOut: this.current.agreement,
              states: heldOut.size,
              episodes: config.heldOutEpisodes,
              seed: config.heldOutSeed,
              description: "fraction of states from the victim's own greedy play (seeded episodes disjoint from training) where the substitute picks the victim's action",
            },
            agreementCurve: this.curve,
          }),
    };
  }

  renderCurve(log: TrainingLog): Buffer {
    const points = log.rows.filter((row) => Number.isFinite(row['agreement']) && Number.isFinite(row['queries']));
    return renderLinePlot({
      title: this.title,
      xLabel: 'oracle queries',
      yLabel: 'agreement on held-out victim play',
      yMin: 0,
      yMax: 1,
      series: [{ name: 'agreement', x: points.map((row) => row['queries'] as number), y: points.map((row) => row['agreement'] as number), points: true }],
    });
  }

  dispose(): void {
    this.model?.dispose();
    this.optimizer?.dispose();
    this.playEnv?.close();
    this.model = undefined;
    this.substitute = undefined;
    this.optimizer = undefined;
    this.playEnv = undefined;
  }
}
