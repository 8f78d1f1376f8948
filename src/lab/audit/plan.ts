/**
 * The audit's plan: which attacks run at which eps, turned into ordinary experiment configs
 * (src/lab/experiment/config.ts) so the audit runs on the experiment runner (units, threads,
 * byte-identical summaries) and writes no episode loop of its own. One experiment holds the
 * victim's own attacks; each substitute gets an experiment of its own (the config has one
 * `substitute`), with the transfer conditions only. Every experiment uses the plan's seed, so
 * episode i of every condition resets the env with the same seed: the per-episode minimum over
 * attacks is well defined.
 */
import { basename } from 'node:path';
import { parseExperiment, type ExperimentConfig, type ExperimentInput } from '../experiment/config.ts';
import { expandConditions } from '../experiment/conditions.ts';

/** What kind of evidence an attack gives (the flag rules compare kinds). */
export type AttackCategory = 'random' | 'whitebox' | 'gradient-free' | 'decision' | 'transfer';

export interface AuditAttack {
  /** The name in tables and summary.json: 'pgd50-margin', 'transfer-pgd10@pong-a3c'. */
  readonly name: string;
  readonly category: AttackCategory;
  /** The experiment condition without its eps (name is set to `name`). */
  readonly condition: Record<string, unknown>;
}

/**
 * The victim's own attacks. PGD-50 runs 2 restarts (run 0 from the clean point, run 1 from a
 * random point of the ball): "more steps or restarts" is PGD-50×2 against PGD-10 ×1 (Carlini et
 * al. 2019's checklist; SA-DQN, Zhang et al. 2020, evaluates PGD-10 and PGD-50). SPSA and the
 * decision attack keep their registry defaults (docs/attacks.md).
 */
export const PGD_LONG_RESTARTS = 2;
export const OWN_ATTACKS: readonly AuditAttack[] = [
  { name: 'random', category: 'random', condition: { attack: 'random' } },
  { name: 'fgsm-ce', category: 'whitebox', condition: { attack: 'fgsm', loss: 'ce' } },
  { name: 'pgd10-ce', category: 'whitebox', condition: { attack: 'pgd', steps: 10, loss: 'ce' } },
  { name: 'pgd10-margin', category: 'whitebox', condition: { attack: 'pgd', steps: 10, loss: 'margin' } },
  { name: 'pgd50-ce', category: 'whitebox', condition: { attack: 'pgd', steps: 50, restarts: PGD_LONG_RESTARTS, loss: 'ce' } },
  { name: 'pgd50-margin', category: 'whitebox', condition: { attack: 'pgd', steps: 50, restarts: PGD_LONG_RESTARTS, loss: 'margin' } },
  { name: 'spsa', category: 'gradient-free', condition: { attack: 'spsa' } },
  { name: 'decision', category: 'decision', condition: { attack: 'decision' } },
];

/**
 * The costly attacks: PGD-50 with 2 restarts (100 gradient steps per attacked step), SPSA (10
 * steps x 32 probe pairs) and the decision attack (100 queries), measured by bench/audit.ts at
 * ~75-90% of an audit's CPU time when run at every eps. Each has one job in the audit, a check that
 * can only matter at some eps, so by default (`costly: 'needed'`) they run in a second round, after
 * the cheap attacks, at the smallest eps (always: every audit has their column) and wherever their
 * check can still fire:
 * - PGD-50 (ce, margin): "more steps or restarts add nothing" and "margin beats ce" need PGD-10 far
 *   from the worst (flags.ts farFromWorst); so PGD-50 runs where PGD-10 (either loss) is far from it;
 * - SPSA and decision: "a black-box attack beats every white-box attack" needs the strongest
 *   white-box attack above the worst by a CI; they run where no white-box attack has reached the
 *   worst (the sweep's own reach level, REACH_FRACTION): a masked model's white-box attacks fail, so
 *   they run at every eps there.
 * `costly: 'all'` runs every attack at every eps in one round (the plan before 2026-12-06).
 */
export type CostlyRule = 'pgd10-far-from-worst' | 'whitebox-not-at-worst';
export const COSTLY_ATTACKS: Readonly<Record<string, CostlyRule>> = {
  'pgd50-ce': 'pgd10-far-from-worst',
  'pgd50-margin': 'pgd10-far-from-worst',
  spsa: 'whitebox-not-at-worst',
  decision: 'whitebox-not-at-worst',
};
export type CostlyMode = 'needed' | 'all';
export const DEFAULT_COSTLY_MODE: CostlyMode = 'needed';
export const COSTLY_MODES: readonly CostlyMode[] = ['needed', 'all'];

const isCostly = (name: string): boolean => COSTLY_ATTACKS[name] !== undefined;

/** The first round's cells the second round is decided on. */
export interface FirstRoundCell {
  readonly attack: string;
  readonly category: AttackCategory;
  readonly eps: number;
  readonly mean: number;
}

/**
 * The eps each costly attack runs at in the second round: the smallest of `eps` always, plus those
 * where its rule holds on the first round's cells. `farLevel` = worst + ½(clean − worst) (above it:
 * far from the worst); `reachLevel` = the sweep's "reached the worst" (at or below it). With no
 * cell to judge by (no PGD-10 / no white-box attack in the plan) a costly attack runs at every eps.
 */
export function costlyEps(attack: string, eps: readonly number[], cells: readonly FirstRoundCell[], levels: { readonly far: number; readonly reach: number }): number[] {
  const sorted = [...new Set(eps)].sort((a, b) => a - b);
  const rule = COSTLY_ATTACKS[attack];
  if (rule === undefined) return sorted;
  const judges = cells.filter((c) => (rule === 'pgd10-far-from-worst' ? c.attack === 'pgd10-ce' || c.attack === 'pgd10-margin' : c.category === 'whitebox'));
  if (judges.length === 0) return sorted;
  const holds = (e: number): boolean => {
    const here = judges.filter((c) => c.eps === e);
    if (here.length === 0) return true;
    return rule === 'pgd10-far-from-worst' ? here.some((c) => c.mean > levels.far) : here.every((c) => c.mean > levels.reach);
  };
  return sorted.filter((e, i) => i === 0 || holds(e));
}

/**
 * The attack names of the plan's first round (`only` for roundExperiments; 'transfer' keeps the
 * transfer experiments): every attack but the costly ones under `costly: 'needed'`; everything
 * (undefined) under 'all' or when the plan has no costly attack.
 */
export function firstRoundAttacks(plan: AuditPlan): string[] | undefined {
  const own = ownAttacks(plan).map((a) => a.name);
  if ((plan.costly ?? DEFAULT_COSTLY_MODE) !== 'needed' || !own.some(isCostly)) return undefined;
  return [...own.filter((name) => !isCostly(name)), 'transfer'];
}

/**
 * The second round under `costly: 'needed'`: the plan's costly attacks, grouped by the eps list
 * costlyEps gives them, one experiment per group (an experiment runs its attacks at one eps list).
 */
export function costlyRoundExperiments(plan: AuditPlan, round: number, cells: readonly FirstRoundCell[], levels: { readonly far: number; readonly reach: number }): PlannedExperiment[] {
  const groups = new Map<string, { eps: number[]; attacks: string[] }>();
  for (const attack of ownAttacks(plan).map((a) => a.name).filter(isCostly)) {
    const eps = costlyEps(attack, plan.eps, cells, levels);
    const key = eps.join(',');
    const group = groups.get(key) ?? { eps, attacks: [] };
    group.attacks.push(attack);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((group, i) => roundExperiments(plan, round, group.eps, false, group.attacks, `costly${i}`));
}

/** The attacks the eps sweep runs beyond the plan's eps: the cheap ones that still show a trend. */
export const SWEEP_ATTACKS: readonly string[] = ['random', 'fgsm-ce', 'pgd10-ce', 'pgd10-margin'];

/** Transfer FGSM and PGD-10 (cross-entropy, as Huang et al. 2017) from a substitute. */
export function transferAttacks(substitute: string): AuditAttack[] {
  const tag = basename(substitute.replace(/[/\\]+$/, '')) || substitute;
  return [
    { name: `transfer-fgsm@${tag}`, category: 'transfer', condition: { attack: 'fgsm', loss: 'ce', threat: 'transfer' } },
    { name: `transfer-pgd10@${tag}`, category: 'transfer', condition: { attack: 'pgd', steps: 10, loss: 'ce', threat: 'transfer' } },
  ];
}

/** 1, 2, 3 grey levels (l∞): Huang et al. 2017's largest eps is 0.008 ≈ 2/255. */
export const DEFAULT_EPS: readonly number[] = [0.00392, 0.00784, 0.01176];
/** The sweep doubles the smallest eps at most this many times (6: 1/255 -> 64/255 ≈ 0.25). */
export const DEFAULT_MAX_DOUBLINGS = 6;
/**
 * A return "reaches the worst" within this fraction of the game's return range (Pong-21: within
 * 2.1 points of -21), so a single point scored by luck does not keep the sweep going.
 */
export const REACH_FRACTION = 0.05;

export interface AuditPlan {
  /** Victim model folder. */
  readonly victim: string;
  /** The env the victim was trained on (its agent.json), with any override. */
  readonly env: { readonly id: string; readonly options: Record<string, unknown> };
  readonly substitutes: readonly string[];
  /** The eps every attack runs at (l∞, [0,1] pixel units). */
  readonly eps: readonly number[];
  readonly episodes: number;
  readonly seed: number;
  /** Names of OWN_ATTACKS to run (default: all); tests run fewer. */
  readonly attacks?: readonly string[];
  /** 0 turns the sweep off. */
  readonly maxDoublings: number;
  /** Where the costly attacks run (COSTLY_ATTACKS); default DEFAULT_COSTLY_MODE. */
  readonly costly?: CostlyMode;
}

export interface PlannedCondition {
  readonly attack: string;
  readonly category: AttackCategory;
  readonly eps: number;
}

export interface PlannedExperiment {
  readonly config: ExperimentConfig;
  /** Per expanded condition of `config`, in expandConditions' order: what it measures. */
  readonly conditions: readonly (PlannedCondition | { readonly attack: 'clean' })[];
}

export function ownAttacks(plan: AuditPlan): AuditAttack[] {
  if (plan.attacks === undefined) return [...OWN_ATTACKS];
  return OWN_ATTACKS.filter((a) => plan.attacks?.includes(a.name));
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function experiment(plan: AuditPlan, name: string, attacks: readonly AuditAttack[], eps: readonly number[], withClean: boolean, substitute?: string): PlannedExperiment | undefined {
  if (attacks.length === 0 && !withClean) return undefined;
  const input: ExperimentInput = {
    name: safeName(name),
    description: `advgym audit of ${plan.victim}`,
    env: { id: plan.env.id, options: plan.env.options },
    victim: plan.victim,
    ...(substitute === undefined ? {} : { substitute }),
    episodes: plan.episodes,
    seed: plan.seed,
    conditions: [
      ...(withClean ? [{ attack: 'none' as const }] : []),
      ...attacks.map((a) => ({ ...a.condition, name: a.name, norm: 'linf', eps: [...eps] })),
    ] as ExperimentInput['conditions'],
  };
  const config = parseExperiment(input, `audit plan '${name}'`);
  const conditions: PlannedExperiment['conditions'] = [
    ...(withClean ? [{ attack: 'clean' as const }] : []),
    ...attacks.flatMap((a) => eps.map((e) => ({ attack: a.name, category: a.category, eps: e }))),
  ];
  if (expandConditions(config).length !== conditions.length) throw new Error('audit plan: expanded conditions do not match the plan');
  return { config, conditions };
}

/**
 * The experiments of one round: `eps` for the attacks named in `only` (all when undefined), the
 * clean condition when `withClean`.
 */
export function roundExperiments(plan: AuditPlan, round: number, eps: readonly number[], withClean: boolean, only?: readonly string[], tag = 'own'): PlannedExperiment[] {
  const keep = (a: AuditAttack): boolean => only === undefined || only.includes(a.name) || (a.category === 'transfer' && only.includes('transfer'));
  const own = experiment(plan, `audit-r${round}-${tag}`, ownAttacks(plan).filter(keep), eps, withClean);
  const transfer = plan.substitutes.map((substitute, i) =>
    experiment(plan, `audit-r${round}-transfer${i}-${basename(substitute)}`, transferAttacks(substitute).filter(keep), eps, false, substitute),
  );
  return [own, ...transfer].filter((e): e is PlannedExperiment => e !== undefined);
}

/** The plan's own eps, ascending, each once: round 0's eps and the sweep's base. */
export function baseEps(plan: AuditPlan): number[] {
  return [...new Set(plan.eps)].sort((a, b) => a - b);
}

/** Round 0: the clean condition and every attack of the first round (firstRoundAttacks) at the plan's eps. */
export function firstRoundExperiments(plan: AuditPlan): PlannedExperiment[] {
  return roundExperiments(plan, 0, baseEps(plan), true, firstRoundAttacks(plan));
}

/**
 * The next eps of the sweep: the smallest eps0·2^k above every eps run so far, k <= maxDoublings,
 * at most 1 (l∞ in [0,1]); undefined when the cap is reached.
 */
export function nextSweepEps(plan: AuditPlan, done: readonly number[]): number | undefined {
  const eps0 = Math.min(...plan.eps);
  const largest = Math.max(...done);
  for (let k = 1; k <= plan.maxDoublings; k++) {
    const eps = Number((eps0 * 2 ** k).toPrecision(6));
    if (eps > 1) return undefined;
    if (eps > largest * (1 + 1e-9)) return eps;
  }
  return undefined;
}
