/** Toy random search as a Learner: perturb every weight, keep the candidate if its episode returns more. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/core/rng.ts';
import { evaluate } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildQNetwork } from '../networks.ts';
import type { Policy } from '../policy.ts';
import { finalGradeOnly } from '../training/grade.ts';
import { FRESH_START, type Learner, type Metrics, type RunContext, type StartResult } from '../training/learner.ts';
import { LearnerBase } from '../training/learnerBase.ts';
import { envFactoryFor, probeEnv, type EnvFactory } from '../training/learnerEnv.ts';
import { letSignalsIn } from '../training/stopSignals.ts';
import type { RandomSearchConfig } from './config.ts';

export class RandomSearchTraining extends LearnerBase<RandomSearchConfig> implements Learner {
  private readonly rng: Rng;
  private model: tfl.LayersModel | undefined;
  private current = { step: 0, best: Number.NEGATIVE_INFINITY };

  constructor(config: RandomSearchConfig, options: { readonly makeEnv?: EnvFactory | undefined } = {}) {
    super(config, probeEnv(envFactoryFor(config, options.makeEnv)), {
      algorithm: 'randomsearch',
      columns: ['step', 'bestReturn', 'wallSeconds'],
      cadence: { logEvery: config.logInterval, checkpointEvery: Number.POSITIVE_INFINITY, rowAtEnd: true },
      grading: finalGradeOnly(config),
      title: `Random search on ${config.env}`,
      totalSteps: config.totalSteps,
    });
    this.rng = Rng.fromSeed(config.seed);
  }

  get step(): number {
    return this.current.step;
  }

  async start(): Promise<StartResult> {
    this.model = buildQNetwork(this.shape, this.actionCount, this.rng.seed());
    return FRESH_START;
  }

  async run(ctx: RunContext): Promise<void> {
    const model = this.model as tfl.LayersModel;
    const env = this.makeEnv();
    try {
      while (this.current.step < this.totalSteps) {
        await letSignalsIn();
        if (ctx.stopRequested()) return;
        const kept = model.getWeights().map((w) => w.clone());
        const candidate = kept.map((w) => tf.tidy(() => tf.add(w, tf.mul(tf.tensor(Float32Array.from({ length: w.size }, () => this.rng.normal()), w.shape), this.config.sigma))));
        model.setWeights(candidate);
        tf.dispose(candidate);
        const episodeReturn = evaluate(this.policy(), env, 1, this.config.seed + this.current.step).meanReturn;
        if (episodeReturn >= this.current.best) this.current.best = episodeReturn;
        else model.setWeights(kept);
        tf.dispose(kept);
        this.current.step++;
        await ctx.advance(this.current.step);
      }
    } finally {
      env.close();
    }
  }

  metrics(): Metrics {
    return { episodes: this.current.step, recentReturn: this.current.best, loss: Number.NaN, columns: { bestReturn: this.current.best } };
  }

  async saveCheckpoint(): Promise<void> {
    // No checkpoint: a toy run takes seconds.
  }

  protected deployedModel(): tfl.LayersModel {
    return this.model as tfl.LayersModel;
  }

  policy(): Policy {
    return this.policyOf(this.model as tfl.LayersModel);
  }

  agentFields(): Record<string, unknown> {
    return { sigma: this.config.sigma };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
