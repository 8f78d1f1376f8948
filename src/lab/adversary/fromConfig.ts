/**
 * Builds attacks and timing strategies from plain config objects, through the registries: the
 * options are checked by the entry's strict schema, so a bad one is a FieldError naming the field
 * before the first episode; targetAction is checked on each call, against the policy's action count.
 */
import { attackEntry, type AttackConfig } from './registry.ts';
import { timingEntry, type TimingConfig } from './timing/registry.ts';
import type { Attack, TimingStrategy } from './types.ts';

export type { AttackConfig, TimingConfig };

export function makeAttack(config: AttackConfig): Attack {
  const { kind, ...options } = config;
  return attackEntry(kind, 'kind', 'attack').make(options, `attack (${kind})`);
}

export function makeTiming(config: TimingConfig): TimingStrategy {
  return timingEntry(config.kind, 'kind', 'timing').make(config, 'timing');
}
