/**
 * A3C's training-observation hook crosses into the worker threads as a module URL + JSON options
 * (agents/a3c/training.ts): each worker imports it and builds the hook; the lab's workerHook.ts
 * builds adversarial training from the config block. A config block without the module, or an
 * in-process hook function alone, is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveA3cConfig, type A3cConfigInput } from '../../../agents/a3c/config.ts';
import { trainA3c, type TrainA3cOptions } from '../../../agents/a3c/train.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { observationHookModule } from '../../../src/lab/defense/workerHook.ts';
import { MARKER_HOOK_MODULE } from './markerHook.ts';
import { TINY_ENVS_MODULE } from './tinyEnvs.ts';

const root = mkdtempSync(join(tmpdir(), 'advgym-a3c-hook-'));
before(async () => {
  await initBackend('cpu');
});
after(() => rmSync(root, { recursive: true, force: true }));

const tiny = (overrides: A3cConfigInput = {}) =>
  resolveA3cConfig({ env: 'Contextual-v0', network: 'mlp', backend: 'cpu', learningRate: 0.01, annealLearningRate: false, workers: 2, evalEpisodes: 20, logEverySteps: 200, checkpointEverySteps: 100_000, totalSteps: 1200, ...overrides });
const options = (name: string, extra: Partial<TrainA3cOptions> = {}): TrainA3cOptions => ({ outDir: join(root, name), log: () => undefined, envModule: TINY_ENVS_MODULE, stallTimeoutSeconds: 60, ...extra });

test('each worker imports the hook module with the JSON options', async () => {
  await assert.rejects(trainA3c(tiny(), options('marker', { observationHookModule: { url: MARKER_HOOK_MODULE, options: { eps: 0.25 } } })), /marker hook imported with \{"eps":0.25\}/);
});

test("adversarial training through the lab's worker hook (FGSM, act and learn) trains and still learns the bandit at a small eps", async () => {
  const config = tiny({ adversarialTraining: { attack: 'fgsm', eps: 0.05, epsRampSteps: 400, fraction: 1, where: 'both' } });
  const module = observationHookModule(config.adversarialTraining);
  assert.ok(module !== undefined);
  const result = await trainA3c(config, options('adv', { observationHookModule: module }));
  assert.ok(result.globalSteps >= 1200);
  assert.ok((result.evaluation?.meanReturn ?? 0) > 0.8, `greedy mean return ${result.evaluation?.meanReturn}`);
});

test('a config block without the module route, or a hook function alone, is refused before anything starts', async () => {
  const config = tiny({ adversarialTraining: { attack: 'fgsm' } });
  await assert.rejects(trainA3c(config, options('refused')), (error: Error) => error instanceof FieldError && /adversarialTraining/.test(error.message));
  await assert.rejects(trainA3c(tiny(), options('refused2', { observationHook: { act: (_p, obs) => obs } })), (error: Error) => error instanceof FieldError && /worker threads/.test(error.message));
});
