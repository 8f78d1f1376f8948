/**
 * Names in Redis. Each run has its own BullMQ queue (so two runs never mix units), named after the
 * run plus a random suffix; a sorted set lists the runs that want workers, and one key per run holds
 * what every worker needs to run its units (the config, the models' paths and hashes, the backend).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseStrict } from '../../core/validation.ts';
import { parseExperiment } from '../experiment/config.ts';
import type { RunModels } from './modelRef.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../../core/tensor/backend.ts';

/** Sorted set: queue names of runs waiting for units, scored by submission time. */
export const RUNS_KEY = 'advgym:runs';
/** Pub/sub channel: a run was just added to RUNS_KEY (workers start serving it at once, not at their next look). */
export const RUNS_CHANNEL = 'advgym:runs:new';
export const runKey = (queueName: string): string => `advgym:run:${queueName}`;
/** Hash: worker id -> why it refuses this run's units (its models differ, another backend). */
export const refusalsKey = (queueName: string): string => `advgym:run:${queueName}:refusals`;

/** BullMQ queue names may not contain ':'; run names are [A-Za-z0-9._-] already. */
export function newQueueName(runName: string): string {
  return `advgym-${runName}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface RunDescription {
  readonly config: ExperimentConfig;
  readonly models: RunModels;
  readonly backend: BackendChoice;
}

const modelSchema = z.strictObject({ path: z.string(), weightsSha256: z.string() });
const descriptionSchema = z.strictObject({
  config: z.unknown(),
  models: z.strictObject({ victim: modelSchema, substitute: modelSchema.optional() }),
  backend: z.enum(BACKEND_CHOICES),
});

export function parseRunDescription(text: string, source: string): RunDescription {
  const parsed = parseStrict(descriptionSchema, JSON.parse(text) as unknown, source);
  const { victim, substitute } = parsed.models;
  return { config: parseExperiment(parsed.config, source), models: substitute === undefined ? { victim } : { victim, substitute }, backend: parsed.backend };
}

/** What a job carries: the unit only; everything else is in the run's description. */
export const unitJobSchema = z.strictObject({ condition: z.int().min(0), episode: z.int().min(0) });

/** A job's return value: who ran it, and the encoded unit result (unitFile.ts). */
export interface UnitJobResult {
  readonly worker: string;
  readonly result: string;
}
