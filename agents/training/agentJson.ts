/**
 * agent.json, the model folder's description (read by loadPolicy and the viewer): the one writer
 * of it, so every algorithm's folder carries the same core fields and the grade is always stated
 * with its seeds and random play beside it.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import type { Env } from '../../src/core/gym/env.ts';
import type { Evaluation } from '../evaluate.ts';

export interface Grade {
  readonly evaluation: Evaluation;
  readonly random: Evaluation;
  /** Episode i of both was seeded seed + i. */
  readonly seed: number;
}

export interface AgentJson {
  readonly algorithm: string;
  /** Which weights the folder holds ('final weights', 'best periodic evaluation so far (step N)', ...). */
  readonly weights?: string;
  readonly env: { readonly id: string; readonly options: unknown };
  readonly trainedSteps: number;
  readonly wallTimeSeconds: number;
  readonly backend: string;
  /** The algorithm's own fields (updates, workers, teacher, ...). */
  readonly own?: Readonly<Record<string, unknown>>;
  readonly grade?: Grade;
}

/** The env's facts every agent.json states (what loadPolicy and attacks check against). */
export function envFacts(env: Env<Float32Array>): Record<string, unknown> {
  return { inputShape: env.observationSpace.shape, actionCount: env.actionSpace.n, actionNames: env.actionSpace.actionNames };
}

export function writeAgentJson(dir: string, agent: AgentJson, env: Env<Float32Array>): void {
  const { grade } = agent;
  const episodes = grade?.evaluation.returns.length ?? 0;
  writeJsonAtomic(join(dir, 'agent.json'), {
    algorithm: agent.algorithm,
    ...(agent.weights === undefined ? {} : { weights: agent.weights }),
    env: agent.env,
    ...envFacts(env),
    ...agent.own,
    trainedSteps: agent.trainedSteps,
    wallTimeSeconds: agent.wallTimeSeconds,
    backend: agent.backend,
    ...(grade === undefined
      ? {}
      : {
          evaluation: { episodes, returns: grade.evaluation.returns, meanReturn: grade.evaluation.meanReturn, stdReturn: grade.evaluation.stdReturn, seed: grade.seed },
          randomBaseline: { episodes, meanReturn: grade.random.meanReturn, stdReturn: grade.random.stdReturn, seed: grade.seed },
        }),
  });
}
