/**
 * Where a run's units execute: in this thread, on local worker threads, or on queue workers. Every
 * source hands back results as they arrive; executeRun.ts persists and assembles them the same way.
 */
import type { RunSpread } from '../experiment/runFolder.ts';
import type { UnitResult, WorkUnit } from '../experiment/units.ts';

export interface UnitSource {
  readonly mode: RunSpread['mode'];
  /**
   * Runs `units`, calling onResult for each result as it arrives (a queue may deliver one twice
   * after a retry; the caller counts it once). `worker` names who ran it, for run.json.
   */
  run(units: readonly WorkUnit[], onResult: (result: UnitResult, worker: string) => void): Promise<void>;
  close(): Promise<void>;
}
