/**
 * When to attack: the timing strategies of Huang, Kos & Song and Lin et al., one file each in
 * timing/ (registry: timing/registry.ts). This module keeps the names callers already import.
 */
export { actionPreference, actionProbabilities } from './timing/preference.ts';
export { everyStep } from './timing/every.ts';
export { everyNth } from './timing/everyN.ts';
export { strategic } from './timing/strategic.ts';
export { budget } from './timing/budget.ts';
