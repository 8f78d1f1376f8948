/**
 * The loss options FGSM and PGD share (`loss`, `temperature`): their config fields, flags, label
 * part and checks, in one place. Unset fields stay unset in a config and out of its label, so
 * configs written before the options existed keep their labels and results bit for bit.
 */
import { z } from 'zod';
import { FieldError, UserError } from '../../core/errors.ts';
import { HUANG_CE, type AttackObjective } from './losses.ts';
import type { LossOptions, OptionFlag } from './types.ts';

/** The loss fields as parsed configs hold them (an unset field may be present as undefined). */
interface LossFields {
  readonly loss?: LossOptions['loss'] | undefined;
  readonly temperature?: number | undefined;
}

export const lossShape = {
  /** 'ce' (default, Huang et al. 2017) or 'margin' (Carlini & Wagner 2017's logit margin, kappa = 0). */
  loss: z.enum(['ce', 'margin']).optional(),
  /** Softmax temperature of the ce loss, softmax(z / T); default 1. The counter to distillation (Carlini & Wagner 2016). */
  temperature: z.number().positive().max(1e6).optional(),
};

export const lossFlags: readonly OptionFlag[] = [
  { name: 'loss', type: 'string', field: 'loss', describe: 'ce (default, Huang et al.) | margin (Carlini & Wagner logit margin)' },
  { name: 'temperature', type: 'number', field: 'temperature', describe: 'softmax temperature of the ce loss (default 1)' },
];

/** ' margin', ' T=10': only what differs from Huang's ce at T = 1. */
export function lossLabel(options: LossFields): string {
  const loss = options.loss === 'margin' ? ' margin' : '';
  const temperature = options.temperature === undefined || options.temperature === 1 ? '' : ` T=${options.temperature}`;
  return loss + temperature;
}

/** Library callers: a UserError naming the option. */
export function validateLossOptions(options: LossFields, where: string): void {
  if (options.loss !== undefined && options.loss !== 'ce' && options.loss !== 'margin') throw new UserError(`${where}: loss must be ce or margin, got '${String(options.loss)}'`);
  const t = options.temperature;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) throw new UserError(`${where}: temperature must be a finite number > 0, got ${t}`);
  if (t !== undefined && t !== 1 && options.loss === 'margin') throw new UserError(`${where}: temperature applies only to loss 'ce' (the margin does not depend on it)`);
}

/** Config entries (AttackSpec.check): the same rule as a FieldError on `temperature`. */
export function checkLossFields(options: LossFields): void {
  if (options.temperature !== undefined && options.temperature !== 1 && options.loss === 'margin') {
    throw new FieldError('temperature', "applies only to loss 'ce' (the margin does not depend on it)");
  }
}

export function objectiveOf(options: LossFields): AttackObjective {
  return options.loss === undefined && options.temperature === undefined ? HUANG_CE : { loss: options.loss ?? 'ce', temperature: options.temperature ?? 1 };
}

/** The loss fields that are set, for spreading into an options object (no undefined keys). */
export function lossFieldsOf(options: LossFields): LossOptions {
  return { ...(options.loss === undefined ? {} : { loss: options.loss }), ...(options.temperature === undefined ? {} : { temperature: options.temperature }) };
}
