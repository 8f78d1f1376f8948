/**
 * `advgym audit`'s time budget (issue 29: the default plan on one Pong model in <= 15 minutes on 2
 * cores). A full audit takes too long for a bench, so this times each condition's *unit of work*
 * and projects the plan from it:
 *   1. per attacked step, every attack of the default plan on models/pong-dqn (and transfer from
 *      models/pong-dqn-seed2), one truncated seeded episode each through the experiment runner in
 *      this thread (env step, attack, victim act: what a unit does, one step at a time), in CPU
 *      time of the process (what a step costs a core, nearly whatever else runs: the cores are
 *      shared, and wall times varied 2x between windows at load 5-13), wall time beside it;
 *   2. two threads against one on the same units (UnitThreadPool, warmed up first): wall speedup
 *      here, and the CPU the threads spend for the same units (their overhead, load-independent);
 *   3. the projection for 2 idle cores: every unit of the plan (src/lab/audit/plan.ts, the same code
 *      the audit runs) costs episode length x CPU ms per step; units are dealt in the audit's order
 *      to the first free of 2 threads, each at 1 / (the threads' CPU overhead) of one thread.
 * Episode lengths are not measured here (a Pong-21 episode is 400-1,500 steps: minutes each
 * under PGD-50): EPISODE_STEPS holds the lengths of the units of the 2026-12-06 default audit of
 * models/pong-dqn (docs/audit.md), and, for the attacks whose units had not finished, 1,500 steps
 * (longer than any mean seen), so the projection errs long.
 *   node --import tsx bench/audit.ts [steps per timed unit = 50]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '../agents/loadPolicy.ts';
import type { Policy } from '../agents/policy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { costlyRoundExperiments, DEFAULT_EPS, firstRoundAttacks, REACH_FRACTION, roundExperiments, type AuditPlan, type FirstRoundCell } from '../src/lab/audit/plan.ts';
import { parseExperiment, type ExperimentConfig, type ExperimentInput } from '../src/lab/experiment/config.ts';
import { expandConditions } from '../src/lab/experiment/conditions.ts';
import { runExperiment } from '../src/lab/experiment/runner.ts';
import { listUnits } from '../src/lab/experiment/units.ts';
import { runModels } from '../src/lab/sweep/modelRef.ts';
import { UnitThreadPool } from '../src/lab/sweep/threadPool.ts';

const VICTIM = 'models/pong-dqn';
const SUBSTITUTE = 'models/pong-dqn-seed2';
/** The goal, issue 29 item 4. */
const GOAL_SECONDS = 15 * 60;
const EPISODES = 3;

/**
 * Mean episode length (agent steps) per attack at DEFAULT_EPS[0..2], from the units of the
 * 2026-12-06 default audit of models/pong-dqn (full Pong-21, seed 0, 3 episodes; 57 of 75 own
 * units had finished). spsa, decision and transfer had not: LONGEST below.
 */
export const EPISODE_STEPS: Readonly<Record<string, readonly [number, number, number]>> = {
  clean: [1171, 1171, 1171],
  random: [1247, 1428, 1425],
  'fgsm-ce': [880, 507, 465],
  'pgd10-ce': [647, 409, 420],
  'pgd10-margin': [663, 447, 452],
  'pgd50-ce': [667, 409, 395],
  'pgd50-margin': [701, 438, 415],
};
/**
 * For the attacks whose units had not finished (spsa, decision, transfer): 1,500 steps at every eps,
 * above the longest mean seen (random noise at 2/255 and 3/255, 1,425: returns near 0, close games
 * are the long ones), so the projection errs long.
 */
const LONGEST: readonly [number, number, number] = [1500, 1500, 1500];

/**
 * The first-round means of that audit (docs/audit.md, models/pong-dqn: clean 17.67): what decides
 * where the costly attacks run. PGD-10 is near the worst at every eps (far level -1.67) and a
 * white-box attack reaches the worst (-18.9) from 2/255, so the costly attacks run at 1/255 only.
 */
const PONG_DQN_CLEAN = 17.67;
const PONG_DQN_FIRST_ROUND: readonly FirstRoundCell[] = (
  [
    ['fgsm-ce', [-13.67, -18.33, -19.0]],
    ['pgd10-ce', [-16.0, -19.33, -19.0]],
    ['pgd10-margin', [-16.67, -18.67, -19.33]],
  ] as const
).flatMap(([attack, means]) => means.map((mean, i) => ({ attack, category: 'whitebox' as const, eps: DEFAULT_EPS[i] as number, mean })));
/** A masked model: every white-box attack leaves the clean return, so every costly attack runs at every eps (the plan's worst case). */
const MASKED_FIRST_ROUND: readonly FirstRoundCell[] = PONG_DQN_FIRST_ROUND.map((c) => ({ ...c, mean: PONG_DQN_CLEAN }));

function episodeSteps(attack: string, eps: number): number {
  const i = DEFAULT_EPS.indexOf(eps);
  const row = EPISODE_STEPS[attack.replace(/@.*$/, '')] ?? LONGEST;
  return row[i < 0 ? row.length - 1 : i] ?? LONGEST[2];
}

/** The cost key of a planned condition: its attack name without the substitute's tag. */
const costKey = (attack: string): string => attack.replace(/@.*$/, '');

interface PlannedUnit {
  readonly key: string;
  readonly label: string;
  readonly steps: number;
}

/**
 * The plan's units in the order the audit hands them to its pool (experiment by experiment,
 * condition by condition, episode by episode), round by round; the second round (costly attacks)
 * decided on `firstRound` as runAudit decides it. Pong-21: worst -21, best 21.
 */
export function planUnits(plan: AuditPlan, firstRound: readonly FirstRoundCell[], clean: number): PlannedUnit[] {
  const first = firstRoundAttacks(plan);
  const worst = -21;
  const levels = { far: worst + 0.5 * (clean - worst), reach: worst + REACH_FRACTION * 42 };
  const rounds = [roundExperiments(plan, 0, plan.eps, true, first), ...(first !== undefined ? [costlyRoundExperiments(plan, 1, firstRound, levels)] : [])];
  const units: PlannedUnit[] = [];
  for (const round of rounds) {
    for (const planned of round) {
      planned.conditions.forEach((what) => {
        const eps = 'eps' in what ? what.eps : 0;
        for (let e = 0; e < planned.config.episodes; e++) units.push({ key: costKey(what.attack), label: `${what.attack}@${eps}`, steps: episodeSteps(what.attack, eps) });
      });
    }
    units.push({ key: '|barrier', label: 'round end', steps: 0 });
  }
  return units;
}

/** Wall seconds of `units` dealt in order to the first free of `threads` threads; a barrier waits for all. */
export function listSchedule(units: readonly PlannedUnit[], msPerStep: ReadonlyMap<string, number>, threads: number, threadRate: number): { wall: number; cpu: number } {
  let free = Array.from({ length: threads }, () => 0);
  let cpu = 0;
  for (const unit of units) {
    if (unit.key === '|barrier') {
      const end = Math.max(...free);
      free = free.map(() => end);
      continue;
    }
    const ms = msPerStep.get(unit.key);
    if (ms === undefined) throw new Error(`bench audit: no cost measured for ${unit.key}`);
    const seconds = (unit.steps * ms) / 1000;
    cpu += seconds;
    const i = free.indexOf(Math.min(...free));
    free[i] = (free[i] ?? 0) + seconds / threadRate;
  }
  return { wall: Math.max(...free), cpu };
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

function singleCondition(base: ExperimentConfig, condition: Record<string, unknown>, steps: number, substitute?: string): ExperimentConfig {
  const input = {
    name: 'bench-audit',
    env: { id: base.env.id, options: { ...base.env.options, maxEpisodeSteps: steps } },
    victim: VICTIM,
    ...(substitute === undefined ? {} : { substitute }),
    episodes: 1,
    seed: 0,
    conditions: [condition],
    record: { conditions: [] },
  } as unknown as ExperimentInput;
  return parseExperiment(input, 'bench audit');
}

export async function runAuditBench(stepsPerUnit = 50): Promise<void> {
  console.log(`\n## Audit: per-unit cost of each condition on ${VICTIM} and the default plan's projected time (goal <= ${GOAL_SECONDS / 60} min on 2 cores)`);
  if (!existsSync(join(VICTIM, 'agent.json')) || !existsSync(join(SUBSTITUTE, 'agent.json'))) {
    console.log(`skipped: ${VICTIM} or ${SUBSTITUTE} is missing`);
    return;
  }
  await initBackend('wasm');
  const victim = await loadPolicy(VICTIM);
  const substitute: Policy = await loadPolicy(SUBSTITUTE);
  const plan: AuditPlan = { victim: VICTIM, env: { id: 'Pong-v0', options: {} }, substitutes: [SUBSTITUTE], eps: DEFAULT_EPS, episodes: EPISODES, seed: 0, maxDoublings: 0, costly: 'needed' };
  const full = roundExperiments({ ...plan, costly: 'all' }, 0, [DEFAULT_EPS[1] as number], true);

  // 1. ms per attacked step of each distinct condition (middle eps; an attack's cost does not depend on eps).
  const msPerStep = new Map<string, number>();
  const wallPerStep = new Map<string, number>();
  // CPU time of this process (one thread here) per step: what the step costs a core whatever else
  // runs on the machine (wall time on shared cores varied 2x between windows at load 5-13).
  const timeCondition = (config: ExperimentConfig, policies: { victim: Policy; substitute?: Policy }): { cpu: number; wall: number } => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = runExperiment(config, policies);
    const steps = Math.max(1, result.episodes.reduce((a, e) => a + e.length, 0));
    const cpu = process.cpuUsage(c0);
    return { cpu: (cpu.user + cpu.system) / 1000 / steps, wall: (performance.now() - t0) / steps };
  };
  timeCondition(singleCondition(full[0]?.config as ExperimentConfig, { attack: 'none' }, stepsPerUnit), { victim }); // warm-up: kernels, env
  for (const planned of full) {
    const conditions = expandConditions(planned.config);
    planned.conditions.forEach((what, i) => {
      // One eps per condition here, so expanded condition i is config condition i.
      const spec = planned.config.conditions[i];
      const condition = what.attack === 'clean' ? { attack: 'none' } : { ...spec, eps: [conditions[i]?.eps ?? DEFAULT_EPS[1]] };
      const config = singleCondition(planned.config, condition as Record<string, unknown>, stepsPerUnit, planned.config.substitute);
      const policies = planned.config.substitute === undefined ? { victim } : { victim, substitute };
      // The lower of two timings: other processes on shared cores only ever add time.
      const [a, b] = [timeCondition(config, policies), timeCondition(config, policies)];
      msPerStep.set(costKey(what.attack), Math.min(a.cpu, b.cpu));
      wallPerStep.set(costKey(what.attack), Math.min(a.wall, b.wall));
    });
  }

  // 2. Two threads vs one on the same units (pgd10-margin, 4 episodes of 5x the steps), pool warmed up first.
  const speedUnits = parseExperiment({ ...(singleCondition(full[0]?.config as ExperimentConfig, { attack: 'pgd', steps: 10, loss: 'margin', norm: 'linf', eps: [DEFAULT_EPS[1]] }, 5 * stepsPerUnit) as unknown as ExperimentInput), episodes: 4 }, 'bench audit');
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  runExperiment(speedUnits, { victim });
  const oneThread = (performance.now() - t1) / 1000;
  const oneThreadCpu = cpuSeconds(process.cpuUsage(c1));
  console.log(`per attacked step, one thread, ${stepsPerUnit}-step units (batch 1, env + attack + victim; the lower of 2 timings): CPU ms (wall ms)`);
  console.log([...msPerStep].map(([key, ms]) => `  ${key.padEnd(16)} ${ms.toFixed(1)} (${(wallPerStep.get(key) ?? Number.NaN).toFixed(1)})`).join('\n'));
  const pool = new UnitThreadPool(2, 'wasm');
  let twoThreads: number;
  let twoThreadsCpu: number;
  try {
    const models = runModels(speedUnits);
    await Promise.all(listUnits(speedUnits).slice(0, 2).map((unit) => pool.run(speedUnits, models, unit)));
    const c2 = process.cpuUsage();
    const t2 = performance.now();
    await Promise.all(listUnits(speedUnits).map((unit) => pool.run(speedUnits, models, unit)));
    twoThreads = (performance.now() - t2) / 1000;
    twoThreadsCpu = cpuSeconds(process.cpuUsage(c2));
  } finally {
    await pool.close();
  }
  const speedup = oneThread / twoThreads;
  // On 2 idle cores each thread runs its units at the CPU cost it needs there: the thread pool's
  // own overhead shows as extra CPU time for the same units (cpu2 / cpu1), load does not.
  const cpuOverhead = twoThreadsCpu / oneThreadCpu;

  console.log(
    `2 threads vs 1 on 4 pgd10-margin units of ${5 * stepsPerUnit} steps: wall ${oneThread.toFixed(1)} s / ${twoThreads.toFixed(1)} s = ${speedup.toFixed(2)}x here; CPU ${oneThreadCpu.toFixed(1)} s / ${twoThreadsCpu.toFixed(1)} s (threads cost ${cpuOverhead.toFixed(2)}x the CPU: idle-core speedup ${(2 / Math.max(1, cpuOverhead)).toFixed(2)}x)`,
  );

  // 3. The projection, for the default plan and for PGD-50 x2 restarts at every eps (the plan before 2026-12-06).
  // The projection for 2 idle cores: CPU cost per step, each of 2 threads at 1 / cpuOverhead of one.
  const rate = 1 / Math.max(1, cpuOverhead);
  const idleSpeedup = 2 * rate;
  const show = (name: string, units: readonly PlannedUnit[]): void => {
    const { wall, cpu } = listSchedule(units, msPerStep, 2, rate);
    const share = (prefix: string): string => ((100 * listSchedule(units.filter((u) => u.key.startsWith(prefix)), msPerStep, 2, rate).cpu) / cpu).toFixed(0);
    console.log(
      `${name}: ${units.filter((u) => u.key !== '|barrier').length} units, ${cpu.toFixed(0)} CPU-s (PGD-50 ${share('pgd50')}%, SPSA ${share('spsa')}%, decision ${share('decision')}%); projected ${(wall / 60).toFixed(1)} min on 2 idle cores at ${idleSpeedup.toFixed(2)}x (goal <= ${GOAL_SECONDS / 60} min: ${wall <= GOAL_SECONDS ? 'met' : 'NOT met'}; at a perfect 2x ${(listSchedule(units, msPerStep, 2, 1).wall / 60).toFixed(1)} min)`,
    );
  };
  show('default plan on pong-dqn (costly attacks at 1/255 only, as its first round decides)', planUnits(plan, PONG_DQN_FIRST_ROUND, PONG_DQN_CLEAN));
  show('  worst case of the default plan (a masked model: costly attacks at every eps)', planUnits(plan, MASKED_FIRST_ROUND, PONG_DQN_CLEAN));
  show('  old plan (every attack at every eps in one round)', planUnits({ ...plan, costly: 'all' }, [], PONG_DQN_CLEAN));
}

if (import.meta.url === `file://${process.argv[1]}`) await runAuditBench(Number(process.argv[2] ?? 50));
