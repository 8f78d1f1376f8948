/**
 * The observation hook for learners in worker threads (A3C): the worker imports this module by the
 * URL `observationHookModule` names (agents/training/observationHook.ts ObservationHookModule) and
 * calls createObservationHook with the JSON options, the config's defense blocks. agents/ holds
 * only the URL string, so it imports nothing from the lab.
 */
import { adversarialTrainingSchema } from '../../../agents/training/adversarialTraining.ts';
import type { ObservationHook, ObservationHookModule } from '../../../agents/training/observationHook.ts';
import { parseStrict } from '../../core/validation.ts';
import { z } from 'zod';
import { buildObservationHook } from './observationHook.ts';

const workerOptionsSchema = z.strictObject({ adversarialTraining: adversarialTrainingSchema.nullable() });

export function createObservationHook(options: unknown): ObservationHook {
  const parsed = parseStrict(workerOptionsSchema, options, 'observation hook options');
  const hook = buildObservationHook(parsed);
  if (hook === undefined) throw new Error('createObservationHook: no defense block is on');
  return hook;
}

/** The module route for a config's adversarialTraining block (undefined when it is off). */
export function observationHookModule(adversarialTraining: unknown): ObservationHookModule | undefined {
  if (adversarialTraining === null || adversarialTraining === undefined) return undefined;
  return { url: new URL('./workerHook.ts', import.meta.url).href, options: { adversarialTraining } };
}
