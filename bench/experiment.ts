/**
 * Experiment wall time: `npm start` (experiments/quickstart.json) end to end in-process, i.e.
 * model load, every condition's episodes, plots and the GIF into a temporary run folder. Beside it,
 * from the same run, the cost of an attacked step relative to a clean one (clean vs FGSM l-inf on
 * the same seeded episodes), which is what dominates longer sweeps. Skipped while the quickstart's
 * victim model folder is missing (it is trained separately, see src/lab/commands/train.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { loadExperiment, parseExperiment } from '../src/lab/experiment/config.ts';
import { runExperiment } from '../src/lab/experiment/runner.ts';
import { createRunFolder, writeRunFolder } from '../src/lab/experiment/runFolder.ts';
import { backendInfo, initBackend } from '../src/core/tensor/backend.ts';

const QUICKSTART = 'experiments/quickstart.json';

export async function runExperimentBench(configPath = QUICKSTART): Promise<void> {
  console.log('\n## Experiment (npm start = experiments/quickstart.json)');
  const config = loadExperiment(configPath);
  if (!existsSync(join(config.victim, 'agent.json'))) {
    console.log(`skipped: ${config.victim} is missing (train it first; see the quickstart's description)`);
    return;
  }
  await initBackend('auto');
  console.log(`backend: ${JSON.stringify(backendInfo())}`);

  const started = performance.now();
  const victim = await loadPolicy(config.victim);
  const result = runExperiment(config, { victim });
  const out = mkdtempSync(join(tmpdir(), 'advgym-bench-'));
  const dir = createRunFolder(out, config.name);
  writeRunFolder(dir, config, result, { configPath, backend: backendInfo(), versions: {}, wallSeconds: 0, startedAt: '' });
  const wall = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const steps = result.episodes.reduce((a, e) => a + e.length, 0);
  console.log(`quickstart: ${wall.toFixed(1)} s wall for ${result.conditions.length} conditions x ${config.episodes} episodes, ${steps} agent steps (${(steps / wall).toFixed(0)} steps/s)`);

  // Clean vs FGSM per-step cost, measured side by side on one seeded episode each.
  const timeOne = (conditions: unknown[]): { seconds: number; steps: number } => {
    const single = parseExperiment({ ...config, episodes: 1, conditions, record: { conditions: [] } });
    const t0 = performance.now();
    const run = runExperiment(single, { victim });
    return { seconds: (performance.now() - t0) / 1000, steps: run.episodes.reduce((a, e) => a + e.length, 0) };
  };
  const clean = timeOne([{ attack: 'none' }]);
  const fgsm = timeOne([{ attack: 'fgsm', eps: [0.002] }]);
  const perStep = (r: { seconds: number; steps: number }): number => (1000 * r.seconds) / Math.max(1, r.steps);
  console.log(
    `per agent step: clean ${perStep(clean).toFixed(2)} ms, FGSM linf ${perStep(fgsm).toFixed(2)} ms (ratio ${(perStep(fgsm) / perStep(clean)).toFixed(2)}x)`,
  );
}
