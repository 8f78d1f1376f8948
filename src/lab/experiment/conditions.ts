/** Expands the config's conditions into one runnable condition per epsilon, each with a label. */
import { FieldError } from '../../core/errors.ts';
import type { AttackCondition, ExperimentConfig, TimingConfig } from './config.ts';

export interface ExpandedCondition {
  /** Unique, human-readable: 'clean', 'fgsm linf eps=0.002', 'random l2 eps=0.5 strategic(0.8) transfer'. */
  readonly label: string;
  readonly attack: 'none' | AttackCondition['attack'];
  readonly eps: number;
  readonly norm: AttackCondition['norm'] | undefined;
  readonly spec: AttackCondition | undefined;
}

function timingLabel(timing: TimingConfig): string {
  switch (timing.kind) {
    case 'every':
      return '';
    case 'everyN':
      return ` every${timing.n}`;
    case 'strategic':
      return ` strategic(${timing.beta})`;
    case 'budget':
      return ` budget(${timing.fraction}${timing.beta === undefined ? '' : `,${timing.beta}`})`;
  }
}

export function expandConditions(config: ExperimentConfig): ExpandedCondition[] {
  const expanded: ExpandedCondition[] = [];
  for (const condition of config.conditions) {
    if (condition.attack === 'none') {
      expanded.push({ label: condition.name ?? 'clean', attack: 'none', eps: 0, norm: undefined, spec: undefined });
      continue;
    }
    for (const eps of condition.eps) {
      const parts = [
        condition.name ?? condition.attack,
        condition.norm,
        `eps=${eps}`,
        condition.scope === 'all' ? ' all-frames' : '',
        condition.steps === undefined ? '' : ` k=${condition.steps}`,
        condition.targetAction === undefined ? '' : ` target=${condition.targetAction}`,
        timingLabel(condition.timing),
        condition.threat === 'transfer' ? ' transfer' : '',
      ];
      const label = `${parts[0]} ${parts[1]} ${parts[2]}${parts.slice(3).join('')}`;
      expanded.push({ label, attack: condition.attack, eps, norm: condition.norm, spec: condition });
    }
  }
  const seen = new Set<string>();
  for (const { label } of expanded) {
    if (seen.has(label)) throw new FieldError('conditions', `two conditions are both labelled '${label}'; give one a 'name'`);
    seen.add(label);
  }
  return expanded;
}
