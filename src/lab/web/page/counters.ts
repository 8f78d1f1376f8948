/**
 * The live rates, counted since the attack settings last changed (a rate over a mix of settings
 * would describe none of them):
 * - action-change rate: attacked twin's steps where the action on the perturbed view differs from
 *   the action on its clean view (the attack's immediate success, Huang et al.'s measure);
 * - attack rate: steps the timing strategy chose to attack;
 * - twin divergence: steps where the two twins' agents chose differently (after the first change
 *   the games themselves differ, so this also counts the consequences).
 */
import type { TwinStep } from './twins.ts';

export interface Rates {
  readonly steps: number;
  readonly attacked: number;
  readonly changed: number;
  readonly diverged: number;
}

export class RateCounter {
  private counts = { steps: 0, attacked: 0, changed: 0, diverged: 0 };

  reset(): void {
    this.counts = { steps: 0, attacked: 0, changed: 0, diverged: 0 };
  }

  add(step: TwinStep): void {
    const { perception } = step;
    this.counts.steps++;
    if (perception.attacked) this.counts.attacked++;
    if (perception.attackedAction !== perception.cleanAction) this.counts.changed++;
    if (perception.attackedAction !== step.cleanAction) this.counts.diverged++;
  }

  rates(): Rates {
    return { ...this.counts };
  }
}

/** '12.5% (3/24)', or '–' before the first step. */
export function formatRate(count: number, of: number): string {
  return of === 0 ? '–' : `${((100 * count) / of).toFixed(1)}% (${count}/${of})`;
}
