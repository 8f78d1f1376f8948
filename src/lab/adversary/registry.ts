/**
 * The attacks advgym knows, by name. Adding one: its file (options schema, builder, label, flags:
 * see attackEntry.ts), one line here, one test file. Configs, `record` flags, makeAttack and labels
 * follow from this list.
 */
import type { z } from 'zod';
import { FieldError } from '../../core/errors.ts';
import type { AttackEntry } from './attackEntry.ts';
import { decisionEntry } from './decision.ts';
import { fgsmAttack } from './fgsm.ts';
import { pgdAttack } from './pgd.ts';
import { randomAttack } from './randomNoise.ts';
import { spsaAttack } from './spsa.ts';

export const attacks = [fgsmAttack, pgdAttack, randomAttack, spsaAttack, decisionEntry] as const;

export type RegisteredAttack = (typeof attacks)[number];
export type AttackKind = RegisteredAttack['kind'];

/** The options an attack is built from, as a library caller writes them (defaults optional). */
type ConfigOf<Entry> = Entry extends AttackEntry<infer Kind, infer Schema> ? { readonly kind: Kind } & Readonly<z.input<Schema>> : never;
export type AttackConfig = ConfigOf<RegisteredAttack>;

export const attackKinds: readonly AttackKind[] = attacks.map((entry) => entry.kind);

/** 'fgsm, pgd or random': for messages. */
export function listOfKinds(kinds: readonly string[]): string {
  return kinds.length < 2 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}

/** The entry of `kind`; an unknown name is a FieldError on `field` (from `source`). */
export function attackEntry(kind: string, field = 'kind', source?: string): AttackEntry {
  const entry = attacks.find((candidate) => candidate.kind === kind);
  if (entry === undefined) throw new FieldError(field, `must be ${listOfKinds(attackKinds)}, got '${kind}'`, source);
  return entry;
}
