/**
 * The eps slider: logarithmic, because the interesting budgets span four orders of magnitude (an
 * l-inf eps of a fraction of one grey level already flips a DQN's actions; l2 and l1 radii are
 * totals over the frame and run into hundreds of grey levels), with position 0 meaning no budget.
 * Labels are in grey levels of 255, the unit people see in the picture: eps 0.008 = 2.04/255.
 */

/** Slider positions 1..STEPS map onto [MIN_LEVELS, MAX_LEVELS] grey levels; 0 is eps = 0. */
export const SLIDER_STEPS = 240;
export const MIN_LEVELS = 0.05;
export const MAX_LEVELS = 4096;

const LOG_MIN = Math.log(MIN_LEVELS);
const LOG_SPAN = Math.log(MAX_LEVELS) - LOG_MIN;

export function epsOfPosition(position: number): number {
  if (position <= 0) return 0;
  const p = Math.min(position, SLIDER_STEPS);
  return Math.exp(LOG_MIN + (LOG_SPAN * (p - 1)) / (SLIDER_STEPS - 1)) / 255;
}

/** The nearest slider position of eps (the slider shows it; the exact eps lives in the number box). */
export function positionOfEps(eps: number): number {
  if (!(eps > 0)) return 0;
  const t = (Math.log(eps * 255) - LOG_MIN) / LOG_SPAN;
  return Math.max(1, Math.min(SLIDER_STEPS, Math.round(1 + t * (SLIDER_STEPS - 1))));
}

/** '2.04/255' (three significant digits of grey levels). */
export function greyLevels(eps: number): string {
  const levels = eps * 255;
  if (levels === 0) return '0/255';
  return `${levels >= 100 ? levels.toFixed(0) : levels.toPrecision(3)}/255`;
}
