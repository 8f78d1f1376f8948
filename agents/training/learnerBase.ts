/**
 * The plumbing every Learner (learner.ts) had written out again, once: the fields the harness
 * reads (algorithm, training.csv columns, cadence, grade settings, curve title, step budget, the
 * env's description for agent.json), the env factory and shapes, whether the out folder holds a
 * checkpoint, and the model folder's model.json + weights.bin + config.json. What a learner learns,
 * how it checkpoints and what it reports stay in the learner (agents/<name>/training.ts), which
 * extends this and still says `implements Learner`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { backendInfo } from '../../src/core/tensor/backend.ts';
import { saveModel } from '../../src/core/tensor/fileIO.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import type { GradeSettings } from './grade.ts';
import type { Cadence, Learner } from './learner.ts';
import type { EnvConfig, EnvFactory, LearnerEnv } from './learnerEnv.ts';

/** The learner's answers to the harness's questions (learner.ts), fixed at construction. */
export interface LearnerSettings extends Pick<Learner, 'algorithm' | 'columns' | 'cadence' | 'grading' | 'title' | 'totalSteps'> {
  /** What in the out folder says a checkpoint is there (a folder or a file); undefined: the learner keeps none. */
  readonly checkpointPath?: string | undefined;
}

export abstract class LearnerBase<Config extends EnvConfig> {
  readonly algorithm: string;
  readonly columns: readonly string[];
  readonly cadence: Cadence;
  readonly grading: GradeSettings;
  readonly title: string;
  readonly totalSteps: number;
  readonly envDescription: { readonly id: string; readonly options: unknown };

  protected readonly envFactory: EnvFactory;
  protected readonly shape: [number, number, number];
  protected readonly actionCount: number;
  private readonly checkpointPath: string | undefined;
  private view: LayersPolicy | undefined;

  protected constructor(
    readonly config: Config,
    env: LearnerEnv,
    settings: LearnerSettings,
  ) {
    this.algorithm = settings.algorithm;
    this.columns = settings.columns;
    this.cadence = settings.cadence;
    this.grading = settings.grading;
    this.title = settings.title;
    this.totalSteps = settings.totalSteps;
    this.checkpointPath = settings.checkpointPath;
    this.envDescription = { id: config.env, options: config.envOptions };
    this.envFactory = env.factory;
    this.shape = env.shape;
    this.actionCount = env.actionCount;
  }

  /** A fresh env like the training one (grades, agent.json's shapes). */
  makeEnv(): Env<Float32Array> {
    return this.envFactory();
  }

  hasCheckpoint(outDir: string): boolean {
    return this.checkpointPath !== undefined && existsSync(join(outDir, this.checkpointPath));
  }

  /** The backend this process runs on (A3C overrides it with its workers'). */
  backendName(): string {
    return backendInfo().name;
  }

  /** The network the model folder holds: what saveModel writes. */
  protected abstract deployedModel(): tfl.LayersModel;

  /** model.json + weights.bin (saveModel records weightsSha256) and the config the run used. */
  async saveModel(dir: string): Promise<void> {
    await saveModel(this.deployedModel(), dir);
    writeJsonAtomic(join(dir, 'config.json'), this.config);
  }

  /**
   * A Policy over `model`, made again only when the model object changes (a resume or a quantile
   * DQN's fold gives a new one), so a learner asked for its policy every step builds no wrappers.
   */
  protected policyOf(model: tfl.LayersModel): LayersPolicy {
    if (this.view === undefined || this.view.model !== model) this.view = new LayersPolicy(model);
    return this.view;
  }
}
