/**
 * Worker-thread entry that runs work units. Started by threadPool.ts through the same tsx
 * bootstrap as the A3C threads (agents/a3c/spawn.ts explains why). Each thread starts its own tensor
 * backend and loads each model once (checked against the run's content hash), then runs units as
 * they come; a unit's error goes back to the main thread as one line, and the thread carries on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import type { Policy } from '../../../agents/policy.ts';
import { UserError } from '../../core/errors.ts';
import { initBackend } from '../../core/tensor/backend.ts';
import { UnitRunner } from '../experiment/units.ts';
import { threadCpuMs } from './threadCpu.ts';
import { modelMismatch, type ModelRef } from './modelRef.ts';
import type { ThreadReply, ThreadSetup, UnitTask } from './threadProtocol.ts';

const epochMs = (): number => performance.timeOrigin + performance.now();
const setup = workerData as ThreadSetup;
const post = (reply: ThreadReply): void => parentPort?.postMessage(reply);

const policies = new Map<string, Promise<Policy>>();
const runners = new Map<string, UnitRunner>();

function policyOf(ref: ModelRef): Promise<Policy> {
  const key = `${ref.path}\0${ref.weightsSha256}`;
  let policy = policies.get(key);
  if (policy === undefined) {
    policy = loadPolicy(ref.path);
    policies.set(key, policy);
  }
  return policy;
}

async function runnerOf(task: UnitTask): Promise<UnitRunner> {
  const key = JSON.stringify([task.config, task.models]);
  let runner = runners.get(key);
  if (runner === undefined) {
    const mismatch = modelMismatch(task.models);
    if (mismatch !== undefined) throw new UserError(`refused: ${mismatch}`, 1);
    const victim = await policyOf(task.models.victim);
    const substitute = task.models.substitute === undefined ? undefined : await policyOf(task.models.substitute);
    runner = new UnitRunner(task.config, substitute === undefined ? { victim } : { victim, substitute });
    runners.set(key, runner);
  }
  return runner;
}

function failure(id: number, error: unknown): ThreadReply {
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'error', id, message: message.split('\n')[0] ?? message, exitCode: error instanceof UserError ? error.exitCode : 1 };
}

const ready = initBackend(setup.backend);
ready.then(() => post({ type: 'ready' }), (error: unknown) => post(failure(-1, error)));

// Tasks run one after another: a thread is one core's worth of work.
let queue = Promise.resolve();
parentPort?.on('message', (task: UnitTask) => {
  queue = queue.then(async () => {
    const received = epochMs();
    try {
      await ready;
      const runner = await runnerOf(task);
      const started = epochMs();
      const cpu0 = setup.profile ? threadCpuMs() : 0;
      const result = runner.run(task.unit);
      const cpuMs = setup.profile ? threadCpuMs() - cpu0 : 0;
      post({ type: 'result', id: task.id, result, timing: { received, started, ended: epochMs(), cpuMs } });
    } catch (error) {
      post(failure(task.id, error));
    }
  });
});
