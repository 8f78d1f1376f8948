export * from './types.ts';
export { fgsm } from './fgsm.ts';
export { pgd } from './pgd.ts';
export { randomNoise } from './randomNoise.ts';
export { actionPreference, budget, everyNth, everyStep, strategic } from './timing.ts';
export { AdversarialObservation, type Perception } from './adversarialObservation.ts';
export { makeAttack, makeTiming, type AttackConfig, type TimingConfig } from './fromConfig.ts';
export { deltaNorms, type DeltaNorms } from './norms.ts';
