/**
 * The env a learner trains on, as every learner builds it: a factory from the config's `env` and
 * `envOptions` (or a caller's override: tests use tiny unregistered envs), and the observation
 * shape and action count read off one instance, so networks can be built before any episode runs.
 */
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Env } from '../../src/core/gym/env.ts';

export type EnvFactory = () => Env<Float32Array>;

/** What a learner reads from its config to build its env (every algorithm's config has both). */
export interface EnvConfig {
  readonly env: string;
  readonly envOptions: Record<string, unknown>;
}

export interface EnvShape {
  /** [H, W, k] as the env declares it (checkImageShape checks it where a learner needs it). */
  readonly shape: [number, number, number];
  readonly actionCount: number;
}

/** A factory and the shapes it gives: what LearnerBase (learnerBase.ts) is built from. */
export interface LearnerEnv extends EnvShape {
  readonly factory: EnvFactory;
}

/** The registered env the config names, or `override` when given. */
export function envFactoryFor(config: EnvConfig, override?: EnvFactory | undefined): EnvFactory {
  return override ?? ((): Env<Float32Array> => makeEnv(config.env, config.envOptions as EnvOptions));
}

/** The shapes of an env the learner keeps (DQN trains on the instance it read them from). */
export function envShapeOf(env: Env<Float32Array>): EnvShape {
  return { shape: env.observationSpace.shape as unknown as [number, number, number], actionCount: env.actionSpace.n };
}

/** The shapes read off a throwaway instance, closed at once. */
export function probeEnv(factory: EnvFactory): LearnerEnv {
  const probe = factory();
  const shape = envShapeOf(probe);
  probe.close();
  return { factory, ...shape };
}

/** Conv nets take [H, W, k] frames; an env of another shape is refused with one line (A3C, PPO/TRPO). */
export function checkImageShape(envId: string, shape: readonly number[]): void {
  if (shape.length !== 3) throw new UserError(`env ${envId}: observation must be [H, W, k], got [${shape.join(', ')}]`);
}
