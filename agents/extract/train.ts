/**
 * `extractModel`: model extraction (training.ts) run by the training harness, which writes the
 * substitute's model folder (model.json, weights.bin, agent.json with `queries`, rounds, λ, data
 * sources and agreement; config.json, training.csv, learning-curve.png). The victim folder is
 * loaded here and split in two: the attacker gets a counting label oracle over its act() only,
 * the evaluator the held-out states of its own play.
 */
import { FieldError } from '../../src/core/errors.ts';
import { loadPolicy } from '../loadPolicy.ts';
import type { Policy } from '../policy.ts';
import { checkTrainingOut, runTraining, type HarnessOptions } from '../training/harness.ts';
import { envFactoryFor, type EnvFactory } from '../training/learnerEnv.ts';
import { victimPlayStates } from './agreement.ts';
import type { ExtractConfig } from './config.ts';
import { countingOracle } from './oracle.ts';
import { ExtractionTraining } from './training.ts';

/** No `resume`: the oracle's answers are not kept, so extraction keeps no checkpoint. */
export interface ExtractOptions extends Pick<HarnessOptions, 'force' | 'progress'> {
  /** A victim object instead of config.victim's folder (library callers, tests). */
  readonly victim?: Policy | undefined;
  readonly makeEnv?: EnvFactory | undefined;
}

export interface ExtractResult {
  readonly stoppedBy: string;
  readonly queries: number;
  readonly agreement: number;
  readonly curve: readonly { readonly queries: number; readonly agreement: number; readonly wallSeconds: number }[];
  readonly wallSeconds: number;
  readonly meanReturn?: number;
}

export async function extractModel(config: ExtractConfig, outDir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  checkTrainingOut(outDir, { force: options.force });
  const envFactory = envFactoryFor(config, options.makeEnv);
  const victim = options.victim ?? (await loadPolicy(config.victim));
  const env = envFactory();
  try {
    const shape = env.observationSpace.shape;
    if (victim.actionCount !== env.actionSpace.n || victim.inputShape.join('x') !== shape.join('x')) {
      throw new FieldError('victim', `${config.victim} takes ${victim.inputShape.join('x')} observations and ${victim.actionCount} actions, but ${config.env} gives ${shape.join('x')} and ${env.actionSpace.n}`);
    }
  } catch (error) {
    env.close();
    throw error;
  }
  const heldOut = victimPlayStates(victim, env, config.heldOutEpisodes, config.heldOutSeed);
  env.close();
  options.progress?.log(`held-out set: ${heldOut.size} states of the victim's own play (episodes seeded ${config.heldOutSeed}..${config.heldOutSeed + config.heldOutEpisodes - 1})`);
  const oracle = countingOracle(victim, config.queries);
  const learner = new ExtractionTraining(config, { oracle, heldOut, victimDescription: options.victim === undefined ? `model folder ${config.victim}` : 'policy (library caller)', makeEnv: envFactory });
  const result = await runTraining(learner, outDir, { force: options.force, progress: options.progress });
  const last = learner.curve.at(-1);
  return {
    stoppedBy: result.stoppedBy,
    queries: oracle.queries,
    agreement: last?.agreement ?? Number.NaN,
    curve: learner.curve,
    wallSeconds: result.wallSeconds,
    ...(result.grade === undefined ? {} : { meanReturn: result.grade.evaluation.meanReturn }),
  };
}
