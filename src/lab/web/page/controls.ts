/// <reference lib="dom" />
/**
 * The settings form of index.html: filling its pickers, showing a ViewerSettings in it and reading
 * one back. The eps slider and the number box show one value: the slider is logarithmic
 * (epsScale.ts) and coarse, the box exact, so a shared link's eps survives a round trip.
 */
import { epsOfPosition, greyLevels, positionOfEps, SLIDER_STEPS } from './epsScale.ts';
import type { ModelEntry } from './modelEntry.ts';
import { ATTACK_KINDS, BACKENDS, NORMS, SCOPES, TIMINGS, type ViewerSettings } from './settings.ts';

export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no #${id} ${type.name}`);
  return element;
}

const select = (id: string): HTMLSelectElement => byId(id, HTMLSelectElement);
const input = (id: string): HTMLInputElement => byId(id, HTMLInputElement);

function setOptions(element: HTMLSelectElement, options: readonly { value: string; label: string; disabled?: boolean }[]): void {
  element.replaceChildren(
    ...options.map(({ value, label, disabled }) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      option.disabled = disabled === true;
      return option;
    }),
  );
}

export function fillGames(games: readonly string[], models: readonly ModelEntry[]): void {
  setOptions(
    select('game'),
    games.map((id) => {
      const count = models.filter((m) => m.env === id).length;
      return { value: id, label: `${id} (${count} model${count === 1 ? '' : 's'})`, disabled: count === 0 };
    }),
  );
}

export function fillModels(models: readonly ModelEntry[]): void {
  setOptions(
    select('model'),
    models.map((m) => ({ value: m.name, label: `${m.name} (${m.algorithm}${m.meanReturn === undefined ? '' : `, return ${m.meanReturn.toFixed(1)}`})` })),
  );
}

export function fillTargets(actionNames: readonly string[]): void {
  setOptions(select('target'), [{ value: '-1', label: 'untargeted' }, ...actionNames.map((name, i) => ({ value: String(i), label: `→ ${name}` }))]);
}

export function showSettings(settings: ViewerSettings): void {
  select('game').value = settings.game;
  select('model').value = settings.model;
  input('seed').value = String(settings.seed);
  select('attack').value = settings.attack;
  select('norm').value = settings.norm;
  select('scope').value = settings.scope;
  input('eps-slider').max = String(SLIDER_STEPS);
  showEps(settings.eps);
  select('target').value = String(settings.target);
  input('pgd-steps').value = String(settings.pgdSteps);
  select('timing').value = settings.timing;
  input('timing-n').value = String(settings.n);
  input('timing-beta').value = String(settings.beta);
  const speed = select('speed');
  const known = Array.from(speed.options, (o) => ({ value: o.value, label: o.text }));
  // A shared link may carry a speed the menu does not list: add it rather than lose it.
  if (!known.some((o) => o.value === String(settings.speed))) setOptions(speed, [...known, { value: String(settings.speed), label: `${settings.speed} steps/s` }]);
  speed.value = String(settings.speed);
  showInactive(settings);
}

export function showEps(eps: number, fromSlider = false): void {
  if (!fromSlider) input('eps-slider').value = String(positionOfEps(eps));
  input('eps').value = String(eps);
  byId('eps-levels', HTMLOutputElement).value = `= ${greyLevels(eps)} grey levels`;
}

/** The eps the slider's position stands for (the box then shows it). */
export function epsFromSlider(): number {
  return Number(epsOfPosition(Number(input('eps-slider').value)).toPrecision(3));
}

/** Greys out the fields the current choices ignore. */
function showInactive(settings: ViewerSettings): void {
  const none = settings.attack === 'none';
  for (const id of ['norm', 'scope', 'eps', 'eps-slider', 'timing', 'timing-n', 'timing-beta', 'target', 'pgd-steps']) {
    (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).disabled = none;
  }
  if (none) return;
  select('target').disabled = settings.attack === 'random';
  input('pgd-steps').disabled = settings.attack !== 'pgd';
  input('timing-n').disabled = settings.timing !== 'everyN';
  input('timing-beta').disabled = settings.timing !== 'strategic';
}

function pick<T extends string>(values: readonly T[], value: string, fallback: T): T {
  return (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

function numberOr(value: string, fallback: number): number {
  const parsed = Number(value);
  return value.trim() !== '' && Number.isFinite(parsed) ? parsed : fallback;
}

/** The form's settings; a field left unreadable keeps the value of `current`. */
export function readSettings(current: ViewerSettings): ViewerSettings {
  return {
    game: select('game').value || current.game,
    model: select('model').value || current.model,
    seed: Math.max(0, Math.trunc(numberOr(input('seed').value, current.seed))),
    attack: pick(ATTACK_KINDS, select('attack').value, current.attack),
    norm: pick(NORMS, select('norm').value, current.norm),
    scope: pick(SCOPES, select('scope').value, current.scope),
    eps: Math.max(0, numberOr(input('eps').value, current.eps)),
    target: Math.trunc(numberOr(select('target').value, current.target)),
    pgdSteps: Math.min(200, Math.max(1, Math.trunc(numberOr(input('pgd-steps').value, current.pgdSteps)))),
    timing: pick(TIMINGS, select('timing').value, current.timing),
    n: Math.max(1, Math.trunc(numberOr(input('timing-n').value, current.n))),
    beta: Math.min(1, Math.max(0, numberOr(input('timing-beta').value, current.beta))),
    speed: Math.max(0, numberOr(select('speed').value, current.speed)),
    backend: pick(BACKENDS, current.backend, current.backend),
  };
}
