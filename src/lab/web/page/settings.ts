/**
 * Everything a view of the viewer is made of, kept in the URL hash so a view can be shared:
 * `#game=Pong-v0&model=pong-dqn&attack=fgsm&norm=linf&eps=0.008&timing=every&seed=1`.
 * Parsing never throws: a value that does not fit falls back to its default and is reported, so
 * an old or hand-edited link still opens.
 */
import type { Norm, Scope } from '../../adversary/index.ts';

export const ATTACK_KINDS = ['none', 'fgsm', 'pgd', 'random'] as const;
export const NORMS = ['linf', 'l2', 'l1'] as const satisfies readonly Norm[];
export const SCOPES = ['newest', 'all'] as const satisfies readonly Scope[];
export const TIMINGS = ['every', 'everyN', 'strategic'] as const;
export const BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;

export type AttackKind = (typeof ATTACK_KINDS)[number];
export type TimingKind = (typeof TIMINGS)[number];
export type BackendName = (typeof BACKENDS)[number];

export interface ViewerSettings {
  /** Env id, e.g. 'Pong-v0'; '' = the first game that has a model. */
  readonly game: string;
  /** Model folder name; '' = the first model of the game. */
  readonly model: string;
  readonly attack: AttackKind;
  readonly norm: Norm;
  /** Budget in units of the [0, 1] pixel range (1/255 = one grey level). */
  readonly eps: number;
  readonly scope: Scope;
  readonly timing: TimingKind;
  /** everyN: attack every n-th step. */
  readonly n: number;
  /** strategic: attack when the action preference c(s) >= beta (Lin et al. 2017). */
  readonly beta: number;
  /** Targeted attacks push towards this action index; -1 = untargeted. */
  readonly target: number;
  /** PGD iterations. */
  readonly pgdSteps: number;
  /** Seed of both twins' episodes (episode i uses seed + i) and of the attack's randomness. */
  readonly seed: number;
  /** Agent steps per second; 0 = as fast as the machine goes. */
  readonly speed: number;
  readonly backend: BackendName;
}

export const DEFAULT_SETTINGS: ViewerSettings = {
  game: '',
  model: '',
  attack: 'fgsm',
  norm: 'linf',
  eps: 0,
  scope: 'newest',
  timing: 'every',
  n: 4,
  // A middle value of the DQN victims' measured c(s) percentiles (README timing section: 0.05-0.18).
  beta: 0.1,
  target: -1,
  pgdSteps: 10,
  seed: 0,
  // 15 agent steps/s with frame skip 4 is the Atari's own 60 frames/s: the game at real speed.
  speed: 15,
  backend: 'auto',
};

export interface ParsedSettings {
  readonly settings: ViewerSettings;
  /** 'eps: ignored "-1" (must be a number >= 0)' per value that fell back to its default. */
  readonly ignored: string[];
}

type Check = (raw: string) => unknown;

const oneOf = (values: readonly string[]): Check => (raw) => (values.includes(raw) ? raw : undefined);
const number = (min: number, max: number, integer: boolean): Check => (raw) => {
  const value = Number(raw);
  return raw.trim() !== '' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value)) ? value : undefined;
};
const name: Check = (raw) => (/^[\w.-]{0,100}$/.test(raw) ? raw : undefined);

const CHECKS: Readonly<Record<keyof ViewerSettings, [Check, string]>> = {
  game: [name, 'an env id'],
  model: [name, 'a model folder name'],
  attack: [oneOf(ATTACK_KINDS), ATTACK_KINDS.join('|')],
  norm: [oneOf(NORMS), NORMS.join('|')],
  eps: [number(0, 1000, false), 'a number >= 0'],
  scope: [oneOf(SCOPES), SCOPES.join('|')],
  timing: [oneOf(TIMINGS), TIMINGS.join('|')],
  n: [number(1, 1000, true), 'an integer >= 1'],
  beta: [number(0, 1, false), 'a number in [0, 1]'],
  target: [number(-1, 1000, true), 'an action index, or -1'],
  pgdSteps: [number(1, 200, true), 'an integer in [1, 200]'],
  seed: [number(0, 2 ** 31 - 1, true), 'an integer >= 0'],
  speed: [number(0, 1000, false), 'steps/s >= 0 (0: as fast as possible)'],
  backend: [oneOf(BACKENDS), BACKENDS.join('|')],
};

/** Reads settings from a hash or query string ('#a=1&b=2', '?a=1' or 'a=1'). */
export function parseSettings(text: string): ParsedSettings {
  const params = new URLSearchParams(text.replace(/^[#?]/, ''));
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const ignored: string[] = [];
  for (const [key, raw] of params) {
    const check = CHECKS[key as keyof ViewerSettings];
    if (check === undefined) {
      ignored.push(`${key}: unknown setting`);
      continue;
    }
    const value = check[0](raw);
    if (value === undefined) ignored.push(`${key}: ignored ${JSON.stringify(raw)} (must be ${check[1]})`);
    else settings[key] = value;
  }
  return { settings: settings as unknown as ViewerSettings, ignored };
}

/** The hash of a view: every setting that differs from its default, in a fixed order. */
export function formatSettings(settings: ViewerSettings): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(CHECKS) as (keyof ViewerSettings)[]) {
    if (settings[key] !== DEFAULT_SETTINGS[key]) params.set(key, String(settings[key]));
  }
  return params.toString();
}
