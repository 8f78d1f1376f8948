/**
 * Runs what is left of a run on a unit source: skips the units already in the run folder, saves
 * each new result the moment it arrives (atomically, so a crash keeps every finished unit), counts
 * a unit once however often it is delivered, and assembles the result in the sequential order.
 */
import { finishedUnits, saveUnit, type PendingRun } from '../experiment/pendingRun.ts';
import type { RunSpread } from '../experiment/runFolder.ts';
import { assembleResult, type ExperimentResult, type ProgressListener } from '../experiment/runner.ts';
import { listUnits, longestFirst, unitId, type UnitResult } from '../experiment/units.ts';
import type { UnitSource } from './unitSource.ts';

export async function executeRun(run: PendingRun, source: UnitSource, workers: number, onProgress?: ProgressListener): Promise<{ result: ExperimentResult; spread: RunSpread }> {
  const all = listUnits(run.config);
  const results = new Map<string, UnitResult>(finishedUnits(run).map((r) => [unitId(r), r]));
  const resumedUnits = results.size;
  const missing = all.filter((unit) => !results.has(unitId(unit)));
  // One thread keeps the sequential order; parallel workers take the longest units first.
  const todo = source.mode === 'in-process' ? missing : longestFirst(run.config, missing);
  const byWorker: Record<string, number> = {};
  if (resumedUnits > 0) onProgress?.(resumedUnits, all.length, 'resumed');
  try {
    await source.run(todo, (result, worker) => {
      const id = unitId(result);
      if (results.has(id)) return;
      saveUnit(run.dir, result);
      results.set(id, result);
      byWorker[worker] = (byWorker[worker] ?? 0) + 1;
      onProgress?.(results.size, all.length, result.record.condition);
    });
  } finally {
    await source.close();
  }
  const spread: RunSpread = {
    mode: source.mode,
    workers: source.mode === 'queue' ? Object.keys(byWorker).length : workers,
    units: all.length,
    resumedUnits,
    ...(source.mode === 'in-process' ? {} : { unitsByWorker: byWorker }),
  };
  return { result: assembleResult(run.config, [...results.values()]), spread };
}
