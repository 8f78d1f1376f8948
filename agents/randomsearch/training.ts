/**
 * TOY (docs/extending.md's add-an-algorithm recipe; removed in the next commit). A Learner of the
 * training harness: each step perturbs a linear policy's weights with Gaussian noise and keeps the
 * candidate when it does at least as well as the current weights on the same seeded episode.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { backendInfo } from '../../src/core/tensor/backend.ts';
import { saveModel } from '../../src/core/tensor/fileIO.ts';
import { evaluate } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import type { Policy } from '../policy.ts';
import type { GradeSettings } from '../training/grade.ts';
import type { Cadence, Learner, Metrics, RunContext, StartResult } from '../training/learner.ts';
import type { RandomSearchConfig } from './config.ts';

export class RandomSearchTraining implements Learner {
  readonly algorithm = 'randomsearch';
  readonly columns = ['step', 'episodes', 'recentReturn', 'accepted', 'stepsPerSecond', 'wallSeconds'] as const;
  readonly cadence: Cadence;
  readonly grading: GradeSettings;
  readonly title: string;
  readonly envDescription: { readonly id: string; readonly options: unknown };
  readonly totalSteps: number;

  private readonly rng: Rng;
  private env: Env<Float32Array> | undefined;
  private model: tfl.LayersModel | undefined;
  private weights: Float32Array[] = [];
  private current = { step: 0, bestReturn: Number.NaN, accepted: 0 };

  constructor(readonly config: RandomSearchConfig) {
    this.rng = Rng.fromSeed(config.seed);
    this.totalSteps = config.totalSteps;
    this.cadence = { logEvery: config.logInterval, checkpointEvery: Number.POSITIVE_INFINITY, rowAtEnd: true };
    this.grading = { finalEpisodes: config.evalEpisodes, seed: 10_000 + config.seed, periodicEpisodes: 0, randomSeed: config.seed + 1 };
    this.title = `Random search on ${config.env}: return of the kept weights`;
    this.envDescription = { id: config.env, options: config.envOptions };
  }

  get step(): number {
    return this.current.step;
  }

  makeEnv(): Env<Float32Array> {
    return makeEnv(this.config.env, this.config.envOptions as EnvOptions);
  }

  hasCheckpoint(): boolean {
    return false;
  }

  async start(): Promise<StartResult> {
    this.env = this.makeEnv();
    const shape = [...this.env.observationSpace.shape];
    this.model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: shape }), tfl.layers.dense({ units: this.env.actionSpace.n, kernelInitializer: 'zeros' })] });
    this.weights = this.model.getWeights().map((weight) => weight.dataSync().slice() as Float32Array);
    return { step: 0, harness: { wallSeconds: 0, bestEvalReturn: null } };
  }

  private setWeights(values: readonly Float32Array[]): void {
    const model = this.model as tfl.LayersModel;
    tf.tidy(() => model.setWeights(model.getWeights().map((weight, i) => tf.tensor(values[i] as Float32Array, weight.shape))));
  }

  private episodeReturn(seed: number): number {
    return evaluate(this.policy(), this.env as Env<Float32Array>, 1, seed).meanReturn;
  }

  async run(ctx: RunContext): Promise<void> {
    while (this.current.step < this.totalSteps && !ctx.stopRequested()) {
      const seed = this.config.seed + this.current.step;
      this.setWeights(this.weights);
      const currentReturn = this.episodeReturn(seed);
      const candidate = this.weights.map((values) => values.map((v) => v + this.config.sigma * this.rng.normal()));
      this.setWeights(candidate);
      const candidateReturn = this.episodeReturn(seed);
      const keep = candidateReturn >= currentReturn;
      if (keep) this.weights = candidate;
      this.setWeights(this.weights);
      this.current = { step: this.current.step + 1, bestReturn: Math.max(currentReturn, candidateReturn), accepted: this.current.accepted + (keep ? 1 : 0) };
      await ctx.advance(this.current.step);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  metrics(): Metrics {
    return { episodes: 2 * this.current.step, recentReturn: this.current.bestReturn, loss: Number.NaN, columns: { recentReturn: this.current.bestReturn, accepted: this.current.accepted } };
  }

  async saveCheckpoint(): Promise<void> {
    // No checkpoint: a toy run takes seconds.
  }

  async saveModel(dir: string): Promise<void> {
    await saveModel(this.model as tfl.LayersModel, dir);
    writeJsonAtomic(join(dir, 'config.json'), this.config);
  }

  policy(): Policy {
    return new LayersPolicy(this.model as tfl.LayersModel);
  }

  agentFields(): Record<string, unknown> {
    return { acceptedSteps: this.current.accepted };
  }

  backendName(): string {
    return backendInfo().name;
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    this.env?.close();
  }
}
