/**
 * Estimates how long `advgym run CONFIG` takes before committing cores to it: plays ONE match
 * (episode 0) of each condition at the sampled eps, in this thread, timing each, and extrapolates
 * to the full config: a condition's time per match is its measured one, or, at an eps not sampled,
 * that of the same condition's nearest sampled eps (log scale: match length and per-step cost
 * both depend on how badly the attack hurts). Full run ≈ Σ conditions × episodes × time per match,
 * divided by the worker threads (units are independent: src/lab/experiment/units.ts).
 *
 *   npx tsx scripts/estimate-run-time.ts CONFIG [--eps 3.125e-05,0.002,0.01176] [--workers 2]
 *
 * Without --eps every condition is timed (the config's trimmed version: 1 match each). Prints one
 * line per timed match (label, steps, seconds, ms/step), then the estimate per condition group and
 * in total, with `uptime` (shared cores: the figures are only as quiet as the machine was).
 */
import { execFileSync } from 'node:child_process';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { loadExperiment } from '../src/lab/experiment/config.ts';
import { expandConditions } from '../src/lab/experiment/conditions.ts';
import { UnitRunner } from '../src/lab/experiment/units.ts';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const configPath = process.argv[2];
if (configPath === undefined || configPath.startsWith('--')) {
  console.error('usage: npx tsx scripts/estimate-run-time.ts CONFIG [--eps E1,E2,...] [--workers N]');
  process.exit(2);
}
const sampled = flag('eps')?.split(',').map(Number);
const workers = Number(flag('workers') ?? 2);
if (sampled?.some((e) => !(e > 0)) || !(Number.isInteger(workers) && workers >= 1)) {
  console.error('--eps: positive numbers separated by commas; --workers: an integer >= 1');
  process.exit(2);
}

const config = loadExperiment(configPath);
await initBackend('wasm');
const victim = await loadPolicy(config.victim);
const substitute = config.substitute === undefined ? undefined : await loadPolicy(config.substitute);
const runner = new UnitRunner(config, substitute === undefined ? { victim } : { victim, substitute });
const conditions = expandConditions(config);
/** A condition's group: its label without the eps (one sweep). */
const groupOf = (label: string): string => label.replace(/ eps=[^ ]+/, '');

const measured = new Map<string, { eps: number; seconds: number }[]>();
console.log(`uptime before: ${execFileSync('uptime').toString().trim()}`);
conditions.forEach((condition, index) => {
  if (condition.attack !== 'none' && sampled !== undefined && !sampled.includes(condition.eps)) return;
  const started = process.hrtime.bigint();
  const { record } = runner.run({ condition: index, episode: 0 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${condition.label}: ${record.length} steps, return ${record.return}, ${seconds.toFixed(1)} s, ${((seconds / record.length) * 1000).toFixed(2)} ms/step`);
  const group = groupOf(condition.label);
  measured.set(group, [...(measured.get(group) ?? []), { eps: condition.eps, seconds }]);
});
runner.close();
console.log(`uptime after: ${execFileSync('uptime').toString().trim()}`);

const perGroup = new Map<string, number>();
for (const condition of conditions) {
  const points = measured.get(groupOf(condition.label)) ?? [];
  const nearest = points.reduce((best, p) =>
    Math.abs(Math.log(p.eps || 1) - Math.log(condition.eps || 1)) < Math.abs(Math.log(best.eps || 1) - Math.log(condition.eps || 1)) ? p : best,
  );
  const group = groupOf(condition.label);
  perGroup.set(group, (perGroup.get(group) ?? 0) + nearest.seconds * config.episodes);
}
let total = 0;
console.log(`\nestimate for ${configPath}: ${conditions.length} conditions × ${config.episodes} matches`);
for (const [group, seconds] of perGroup) {
  total += seconds;
  console.log(`  ${group}: ${(seconds / 3600).toFixed(2)} h on one thread`);
}
console.log(`  total: ${(total / 3600).toFixed(2)} h on one thread, ≈ ${(total / 3600 / workers).toFixed(2)} h on ${workers} worker threads (at the load above)`);
