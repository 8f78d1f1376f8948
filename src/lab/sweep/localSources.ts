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

/** `started`: a pool whose threads are up already (the benchmark); it is closed with the source. */
export function threadSource(config: ExperimentConfig, models: RunModels, threads: number, backend: BackendChoice, started?: UnitThreadPool): UnitSource {
  let pool: UnitThreadPool | undefined = started;
  return {
    mode: 'threads',
    async run(units: readonly WorkUnit[], onResult: (result: UnitResult, worker: string) => void) {
      if (units.length === 0) return;
      pool ??= new UnitThreadPool(Math.min(threads, units.length), backend);
      const running = pool;
      await Promise.all(units.map(async (unit) => onResult(await running.run(config, models, unit), 'thread')));
    },
    async close() {
      await pool?.close();
    },
  };
}
