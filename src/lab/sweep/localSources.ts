/** The two local unit sources: this thread (`--workers 1`, the sequential path) and worker threads. */
import type { BackendChoice } from '../../core/tensor/backend.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { UnitRunner, type ExperimentPolicies, type UnitResult, type WorkUnit } from '../experiment/units.ts';
import type { RunModels } from './modelRef.ts';
import { UnitThreadPool } from './threadPool.ts';
import type { UnitSource } from './unitSource.ts';

export function inProcessSource(config: ExperimentConfig, policies: ExperimentPolicies): UnitSource {
  const runner = new UnitRunner(config, policies);
  return {
    mode: 'in-process',
    async run(units, onResult) {
      for (const unit of units) {
        onResult(runner.run(unit), 'main');
        // Let the event loop breathe between units (signals, progress output).
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async close() {
      runner.close();
    },
  };
}

/**
 * Units on worker threads, taken in the order given. A thread needs ~1.5 s to start (tsx, tfjs,
 * backend: measured by bench/sweepProfile.ts), during which it would sit idle; given `policies`
 * (the models loaded on this thread), this thread runs units itself until every worker thread has
 * started, so that second and a half is not lost on short runs. Each lane takes the next unit only
 * when it is free, so the run's tail is at most one unit long.
 * `started`: a pool whose threads are up already (the benchmark); it is closed with the source.
 */
export function threadSource(config: ExperimentConfig, models: RunModels, threads: number, backend: BackendChoice, started?: UnitThreadPool, policies?: ExperimentPolicies): UnitSource {
  let pool: UnitThreadPool | undefined = started;
  let runner: UnitRunner | undefined;
  return {
    mode: 'threads',
    async run(units: readonly WorkUnit[], onResult: (result: UnitResult, worker: string) => void) {
      if (units.length === 0) return;
      pool ??= new UnitThreadPool(Math.min(threads, units.length), backend);
      const running = pool;
      const todo = [...units];
      let threadsUp = false;
      void running.ready.then(() => (threadsUp = true));
      const threadLane = async (): Promise<void> => {
        for (let unit = todo.shift(); unit !== undefined; unit = todo.shift()) onResult(await running.run(config, models, unit), 'thread');
      };
      const mainLane = async (): Promise<void> => {
        if (policies === undefined) return;
        // Let the threads take their first units before this thread takes one.
        await new Promise((resolve) => setImmediate(resolve));
        while (!threadsUp && todo.length > 0) {
          const unit = todo.shift() as WorkUnit;
          runner ??= new UnitRunner(config, policies);
          onResult(runner.run(unit), 'main');
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all([mainLane(), ...Array.from({ length: running.size }, threadLane)]);
    },
    async close() {
      runner?.close();
      await pool?.close();
    },
  };
}
