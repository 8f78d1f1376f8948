/**
 * Teachers for supervised learners (behaviour cloning, distillation, model extraction): whatever
 * labels a batch of observations with actions. The game's scripted player and any Policy (a trained
 * model folder, a hand-built network) both fit, through labelOracle.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scriptedAgentFor } from '../../envs/scriptedPlayers.ts';
import type { Info } from '../../src/core/gym/env.ts';
import { loadPolicy } from '../loadPolicy.ts';
import type { Policy } from '../policy.ts';

/** One observation (float [H*W*k], NHWC) and the env info of its step, labelled with an action. */
export type Teacher = (observation: Float32Array, info: Info) => number;

/** A label oracle over batches: obs [batch, H, W, k] -> one action per row (leaves no tensors). */
export type LabelOracle = (obs: tf.Tensor4D) => number[];

/** A Policy's greedy actions as a one-observation teacher. */
export function policyTeacher(policy: Policy | LabelOracle, shape: readonly number[]): Teacher {
  const label: LabelOracle = typeof policy === 'function' ? policy : (obs) => policy.act(obs);
  const [h = 1, w = 1, k = 1] = shape;
  return (observation) => tf.tidy(() => label(tf.tensor4d(observation, [1, h, w, k]))[0] ?? 0);
}

export interface TeacherChoice {
  readonly teacher: Teacher;
  /** What agent.json records as the teacher. */
  readonly description: string;
}

/**
 * 'scripted' -> the env's scripted player; anything else -> a model folder loaded with loadPolicy.
 * A Policy or LabelOracle object given by a library caller is used as it is.
 */
export async function resolveTeacher(teacher: string | Policy | LabelOracle, envId: string, shape: readonly number[]): Promise<TeacherChoice> {
  if (teacher === 'scripted') {
    const scripted = scriptedAgentFor(envId, shape);
    return { teacher: scripted, description: `scripted player for ${envId} (envs/scriptedPlayers.ts)` };
  }
  if (typeof teacher === 'string') return { teacher: policyTeacher(await loadPolicy(teacher), shape), description: `model folder ${teacher}` };
  return { teacher: policyTeacher(teacher, shape), description: typeof teacher === 'function' ? 'label oracle (library caller)' : 'policy (library caller)' };
}
