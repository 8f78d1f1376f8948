/// <reference lib="dom" />
/**
 * Puts one step on the page: both games, the three views of the attacked twin, the colour scale
 * of the perturbation and the counters. Values tests read are also in data-* attributes, so a
 * test needs no knowledge of how numbers are formatted.
 */
import type { RgbFrame } from '../../../core/gym/env.ts';
import { byId } from './controls.ts';
import { formatRate, type Rates } from './counters.ts';
import { deltaScale, drawDelta, drawGray, drawRgb } from './draw.ts';
import type { TwinScores, TwinStep } from './twins.ts';

export interface StepView {
  readonly step: TwinStep;
  readonly cleanGame: RgbFrame;
  readonly attackedGame: RgbFrame;
  readonly cleanView: Float32Array;
  readonly attackedView: Float32Array;
  readonly size: number;
  readonly scores: TwinScores;
  readonly rates: Rates;
  readonly actionNames: readonly string[];
}

const canvas = (id: string): HTMLCanvasElement => byId(id, HTMLCanvasElement);

function cell(id: string, text: string, data: Record<string, string | number> = {}): void {
  const element = byId(id, HTMLElement);
  element.textContent = text;
  for (const [key, value] of Object.entries(data)) element.dataset[key] = String(value);
}

export function showStep(view: StepView): void {
  const { step, scores, rates, actionNames } = view;
  drawRgb(canvas('game-clean'), view.cleanGame);
  drawRgb(canvas('game-attacked'), view.attackedGame);
  drawGray(canvas('view-clean'), view.cleanView, view.size);
  drawGray(canvas('view-attacked'), view.attackedView, view.size);
  const scale = deltaScale(view.cleanView, view.attackedView);
  drawDelta(canvas('view-delta'), view.cleanView, view.attackedView, view.size, scale);
  const levels = (scale * 255).toPrecision(3);
  cell('scale-low', scale === 0 ? '−0' : `−${levels}/255`);
  cell('scale-high', scale === 0 ? '+0' : `+${levels}/255`, { scale });
  cell('scale-note', scale === 0 ? 'no perturbation this step' : `full colour at ±${levels}/255: this frame's own max |δ| (×${(1 / scale).toFixed(0)} gain)`);

  const last = scores.lastClean === undefined ? '' : ` (last episode ${scores.lastClean})`;
  const lastAttacked = scores.lastAttacked === undefined ? '' : ` (last episode ${scores.lastAttacked})`;
  cell('score-clean', `return ${scores.clean}${last}`, { value: scores.clean });
  cell('score-attacked', `return ${scores.attacked}${lastAttacked}`, { value: scores.attacked });
  cell('steps', String(step.step), { value: step.step });
  cell('episode', String(scores.episode), { value: scores.episode });
  cell('change-rate', formatRate(rates.changed, rates.steps), { value: rates.steps === 0 ? 0 : rates.changed / rates.steps, count: rates.changed });
  cell('attack-rate', formatRate(rates.attacked, rates.steps), { value: rates.steps === 0 ? 0 : rates.attacked / rates.steps, count: rates.attacked });
  cell('twin-divergence', formatRate(rates.diverged, rates.steps), { value: rates.steps === 0 ? 0 : rates.diverged / rates.steps, count: rates.diverged });
  const n = step.perception.deltaNorms;
  cell('delta-norms', step.perception.attacked ? `l∞ ${(n.linf * 255).toPrecision(3)}/255 · l2 ${n.l2.toPrecision(3)} · l1 ${n.l1.toPrecision(3)} · l0 ${n.l0}` : 'not attacked this step');
  const name = (a: number): string => actionNames[a] ?? String(a);
  const changed = step.perception.attackedAction !== step.perception.cleanAction;
  cell('actions', `clean twin ${name(step.cleanAction)} · attacked twin ${name(step.perception.attackedAction)}${changed ? ` (would have been ${name(step.perception.cleanAction)})` : ''}`, {
    clean: step.cleanAction,
    attacked: step.perception.attackedAction,
  });
}

/** The status line and the page state tests wait on: loading, running, paused or error. */
export function showStatus(state: 'loading' | 'running' | 'paused' | 'error', text: string): void {
  document.body.dataset['state'] = state;
  byId('status', HTMLElement).textContent = text;
}
