/**
 * Gradient-masking flags (Carlini et al. 2019, "On Evaluating Adversarial Robustness", §6;
 * Athalye et al. 2018): pure functions of the audit's per-eps means, so each rule is tested on
 * constructed numbers. A flag is a reason to distrust the white-box numbers, not a proof.
 *
 * "A beats B" means A's mean return is lower than B's by more than the sum of their 95% CI
 * half-widths (the intervals do not overlap): with few episodes and an undefended model, noise
 * between two attacks that both hit the worst return fires nothing. Conservative on purpose: a
 * flag that fires is a difference the data supports.
 */
import type { AttackCategory } from './plan.ts';

export interface CellStat {
  readonly attack: string;
  readonly category: AttackCategory;
  readonly eps: number;
  readonly mean: number;
  readonly ci95: number;
}

export interface FlagInput {
  readonly worst: number;
  readonly clean: { readonly mean: number; readonly ci95: number };
  readonly cells: readonly CellStat[];
  /** Set when the sweep stopped at its cap (not because the worst return was reached). */
  readonly sweepCapped: boolean;
  /** Mean return a return must be at or below to count as the worst (plan.REACH_FRACTION). */
  readonly reachLevel: number;
}

export type FlagRule = 'blackbox-beats-whitebox' | 'fgsm-beats-pgd' | 'more-steps-add-nothing' | 'margin-beats-ce' | 'not-monotonic' | 'never-reaches-worst' | 'random-beats-gradient';

export interface Flag {
  readonly rule: FlagRule;
  readonly eps?: number;
  /** One line: the rule and the numbers that fired it. */
  readonly message: string;
}

export function beats(a: CellStat, b: CellStat): boolean {
  return a.mean < b.mean - (a.ci95 + b.ci95);
}

/** "Far from the worst": less than half of the damage still possible at clean was done. */
export function farFromWorst(mean: number, input: FlagInput): boolean {
  return mean > input.worst + 0.5 * (input.clean.mean - input.worst);
}

const show = (c: CellStat): string => `${c.attack} ${c.mean.toFixed(2)} ± ${c.ci95.toFixed(2)}`;

function byEps(cells: readonly CellStat[]): Map<number, CellStat[]> {
  const groups = new Map<number, CellStat[]>();
  for (const c of cells) groups.set(c.eps, [...(groups.get(c.eps) ?? []), c]);
  return groups;
}

const isGradient = (c: CellStat): boolean => c.category === 'whitebox';
const PGD_PAIRS = [
  ['pgd10-ce', 'pgd50-ce'],
  ['pgd10-margin', 'pgd50-margin'],
] as const;

/** A gradient-free, decision-based or transfer attack beats every white-box gradient attack at some eps. */
export function blackboxBeatsWhitebox(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  for (const [eps, cells] of byEps(input.cells)) {
    const white = cells.filter(isGradient);
    if (white.length === 0) continue;
    for (const black of cells.filter((c) => c.category === 'gradient-free' || c.category === 'decision' || c.category === 'transfer')) {
      if (white.every((w) => beats(black, w))) {
        const strongest = white.reduce((a, b) => (b.mean < a.mean ? b : a));
        flags.push({ rule: 'blackbox-beats-whitebox', eps, message: `eps=${eps}: ${show(black)} beats every white-box gradient attack (strongest: ${show(strongest)})` });
      }
    }
  }
  return flags;
}

/** FGSM beats PGD with the same loss (PGD-10 or PGD-50): PGD's iterations should only help. */
export function fgsmBeatsPgd(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  for (const [eps, cells] of byEps(input.cells)) {
    const fgsm = cells.find((c) => c.attack === 'fgsm-ce');
    if (fgsm === undefined) continue;
    for (const pgd of cells.filter((c) => c.attack === 'pgd10-ce' || c.attack === 'pgd50-ce')) {
      if (beats(fgsm, pgd)) flags.push({ rule: 'fgsm-beats-pgd', eps, message: `eps=${eps}: ${show(fgsm)} beats ${show(pgd)}` });
    }
  }
  return flags;
}

/**
 * PGD-50 with restarts does not beat PGD-10 (same loss) while PGD-10's return is far from the
 * worst and another attack at the same eps beats PGD-10: lower returns are reachable, yet more
 * iterations do not find them, so the optimisation is stuck, not converged. (Without the third
 * condition a model that is simply robust at a small eps would fire it.)
 */
export function moreStepsAddNothing(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  for (const [eps, cells] of byEps(input.cells)) {
    for (const [short, long] of PGD_PAIRS) {
      const a = cells.find((c) => c.attack === short);
      const b = cells.find((c) => c.attack === long);
      if (a === undefined || b === undefined) continue;
      const better = cells.find((c) => c !== b && beats(c, a));
      if (farFromWorst(a.mean, input) && better !== undefined && !beats(b, a)) {
        flags.push({ rule: 'more-steps-add-nothing', eps, message: `eps=${eps}: ${show(b)} does not beat ${show(a)}, far from the worst ${input.worst} (clean ${input.clean.mean.toFixed(2)}) though ${show(better)} shows lower is reachable` });
      }
    }
  }
  return flags;
}

/**
 * The margin loss beats the cross-entropy at the same steps while the cross-entropy attack is far
 * from the worst: the cross-entropy's gradient is hidden (a saturated softmax), the logits' is not.
 */
export function marginBeatsCe(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  for (const [eps, cells] of byEps(input.cells)) {
    for (const [ce, margin] of [['pgd10-ce', 'pgd10-margin'], ['pgd50-ce', 'pgd50-margin']] as const) {
      const a = cells.find((c) => c.attack === ce);
      const b = cells.find((c) => c.attack === margin);
      if (a === undefined || b === undefined) continue;
      if (farFromWorst(a.mean, input) && beats(b, a)) flags.push({ rule: 'margin-beats-ce', eps, message: `eps=${eps}: ${show(b)} beats ${show(a)}, which stays far from the worst ${input.worst}` });
    }
  }
  return flags;
}

/** An attack's return rises with eps by more than the CIs (random noise excluded: it need not hurt). */
export function notMonotonic(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  const attacks = [...new Set(input.cells.filter((c) => c.category !== 'random').map((c) => c.attack))];
  for (const attack of attacks) {
    const curve = input.cells.filter((c) => c.attack === attack).sort((a, b) => a.eps - b.eps);
    for (let j = 1; j < curve.length; j++) {
      const later = curve[j] as CellStat;
      const earlier = curve.slice(0, j).filter((e) => beats(e, later)).sort((a, b) => a.mean - b.mean)[0];
      if (earlier !== undefined) {
        flags.push({ rule: 'not-monotonic', eps: later.eps, message: `${attack}: return rises with eps, ${earlier.mean.toFixed(2)} ± ${earlier.ci95.toFixed(2)} at eps=${earlier.eps} but ${later.mean.toFixed(2)} ± ${later.ci95.toFixed(2)} at eps=${later.eps}` });
        break;
      }
    }
  }
  return flags;
}

/** The sweep reached its cap and no attack's mean at the largest eps reached the worst. */
export function neverReachesWorst(input: FlagInput): Flag[] {
  if (!input.sweepCapped || input.cells.length === 0) return [];
  const largest = Math.max(...input.cells.map((c) => c.eps));
  const strongest = input.cells.filter((c) => c.eps === largest).reduce((a, b) => (b.mean < a.mean ? b : a));
  if (strongest.mean <= input.reachLevel) return [];
  return [{ rule: 'never-reaches-worst', eps: largest, message: `at the sweep's cap eps=${largest} the strongest attack ${show(strongest)} stays above ${input.reachLevel.toFixed(2)} (worst ${input.worst})` }];
}

/** Random noise of the same eps beats a white-box gradient attack. */
export function randomBeatsGradient(input: FlagInput): Flag[] {
  const flags: Flag[] = [];
  for (const [eps, cells] of byEps(input.cells)) {
    const random = cells.find((c) => c.category === 'random');
    if (random === undefined) continue;
    const beaten = cells.filter((c) => isGradient(c) && beats(random, c));
    if (beaten.length > 0) flags.push({ rule: 'random-beats-gradient', eps, message: `eps=${eps}: ${show(random)} beats ${beaten.map(show).join(', ')}` });
  }
  return flags;
}

export const FLAG_RULES = [blackboxBeatsWhitebox, fgsmBeatsPgd, moreStepsAddNothing, marginBeatsCe, notMonotonic, neverReachesWorst, randomBeatsGradient] as const;

export function gradientMaskingFlags(input: FlagInput): Flag[] {
  return FLAG_RULES.flatMap((rule) => rule(input));
}
