/**
 * Worker-thread entry of one A3C actor-learner. Spawned by spawnActorLearner (spawn.ts), whose
 * bootstrap registers tsx inside the thread first, so this TypeScript file runs as is. Any error (env, tensors, a bad
 * custom env module) is posted to the main thread with this worker's index, then the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import type { ObservationHook } from '../training/observationHook.ts';
import { runActorLearner } from './actorLearner.ts';
import type { WorkerMessage, WorkerSetup } from './protocol.ts';

type CreateEnv = (id: string, options: Record<string, unknown>) => Env<Float32Array>;

const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

async function createEnv(): Promise<Env<Float32Array>> {
  if (setup.envModule === undefined) return makeEnv(setup.config.env, setup.config.envOptions as EnvOptions);
  const module = (await import(setup.envModule)) as { createEnv?: CreateEnv };
  if (typeof module.createEnv !== 'function') throw new Error(`${setup.envModule} exports no createEnv(id, options)`);
  return module.createEnv(setup.config.env, setup.config.envOptions);
}

/** The training-observation hook, built inside this thread by the module the main thread named (a URL: no import of the lab here). */
async function createHook(): Promise<ObservationHook | undefined> {
  if (setup.observationHookModule === undefined) return undefined;
  const module = (await import(setup.observationHookModule)) as { createObservationHook?: (options: unknown) => ObservationHook };
  if (typeof module.createObservationHook !== 'function') throw new Error(`${setup.observationHookModule} exports no createObservationHook(options)`);
  return module.createObservationHook(setup.observationHookOptions);
}

try {
  const backend = await initBackend(setup.config.backend);
  const env = await createEnv();
  const hook = await createHook();
  post({ type: 'ready', index: setup.index, backend });
  runActorLearner(setup, env, post, hook);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  post({ type: 'error', index: setup.index, message: message.split('\n')[0] ?? message, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
}
