/**
 * What `advgym train <algorithm>` hands a learner for the defense blocks of its validated config:
 * the in-process hook (DQN) and the module route for worker threads (A3C). Configs without the
 * blocks (bc, distill) get neither.
 */
import type { SaRegularizerConfig } from '../../../agents/dqn/config.ts';
import type { AdversarialTrainingConfig } from '../../../agents/training/adversarialTraining.ts';
import type { ObservationHook, ObservationHookModule } from '../../../agents/training/observationHook.ts';
import { buildObservationHook } from './observationHook.ts';
import { observationHookModule } from './workerHook.ts';

export interface DefenseOptions {
  readonly observationHook?: ObservationHook;
  readonly observationHookModule?: ObservationHookModule;
}

export function defenseOptionsFor(config: unknown): DefenseOptions {
  if (typeof config !== 'object' || config === null) return {};
  const blocks = config as { adversarialTraining?: AdversarialTrainingConfig | null; saRegularizer?: SaRegularizerConfig | null };
  const hook = buildObservationHook(blocks);
  const module = observationHookModule(blocks.adversarialTraining);
  return { ...(hook === undefined ? {} : { observationHook: hook }), ...(module === undefined ? {} : { observationHookModule: module }) };
}
