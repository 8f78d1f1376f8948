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
export function roundExperiments(plan: AuditPlan, round: number, eps: readonly number[], withClean: boolean, only?: readonly string[]): PlannedExperiment[] {
  const keep = (a: AuditAttack): boolean => only === undefined || only.includes(a.name) || (a.category === 'transfer' && only.includes('transfer'));
  const own = experiment(plan, `audit-r${round}-own`, ownAttacks(plan).filter(keep), eps, withClean);
  const transfer = plan.substitutes.map((substitute, i) =>
    experiment(plan, `audit-r${round}-transfer${i}-${basename(substitute)}`, transferAttacks(substitute).filter(keep), eps, false, substitute),
  );
  return [own, ...transfer].filter((e): e is PlannedExperiment => e !== undefined);
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
