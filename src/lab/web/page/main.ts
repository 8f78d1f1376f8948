/// <reference lib="dom" />
/**
 * The viewer page's entry (bundled by src/lab/web/buildPage.ts): starts the tensor backend, reads
 * models-index.json, and runs the twins (twins.ts) under the settings in the URL hash, which it
 * keeps up to date so the address bar always links to the current view.
 */
import { listEnvs } from '../../../../envs/index.ts';
import { adversaryFromSettings } from './adversaryFromSettings.ts';
import { startBackend } from './backend.ts';
import { byId, epsFromSlider, fillGames, fillModels, fillTargets, readSettings, showEps, showSettings } from './controls.ts';
import { RateCounter } from './counters.ts';
import { newestFrame } from './draw.ts';
import { GifRecorder } from './gifRecorder.ts';
import { loadModelFromUrl, type LoadedModel } from './loadModel.ts';
import { MODELS_INDEX, type ModelEntry } from './modelEntry.ts';
import { formatSettings, parseSettings, type ViewerSettings } from './settings.ts';
import { showStatus, showStep } from './show.ts';
import { Twins } from './twins.ts';

const RELOAD_KEYS = ['game', 'model', 'seed'] as const;
const ATTACK_KEYS = ['attack', 'norm', 'eps', 'scope', 'timing', 'n', 'beta', 'target', 'pgdSteps'] as const;

class Viewer {
  private loaded: LoadedModel | undefined;
  private twins: Twins | undefined;
  private readonly counter = new RateCounter();
  private readonly recorder = new GifRecorder();
  private paused = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastTick = 0;
  private readonly recent: number[] = [];
  private note = '';
  /** Bumped by every (re)load, so a slow model download cannot install itself over a newer choice. */
  private generation = 0;

  constructor(
    private settings: ViewerSettings,
    private readonly models: readonly ModelEntry[],
  ) {}

  current(): ViewerSettings {
    return this.settings;
  }

  /** Applies new settings: reloads the model or twins only when the game, model or seed changed. */
  async apply(next: ViewerSettings): Promise<void> {
    const resolved = this.resolveModel(next);
    const previous = this.settings;
    this.settings = resolved;
    history.replaceState(null, '', `#${formatSettings(resolved)}`);
    byId('share', HTMLAnchorElement).href = location.href;
    showSettings(resolved);
    if (this.twins === undefined || RELOAD_KEYS.some((key) => previous[key] !== resolved[key])) await this.reload();
    else if (ATTACK_KEYS.some((key) => previous[key] !== resolved[key])) this.rearm();
    this.schedule();
  }

  /**
   * A model of the chosen game: the named one if it plays that game, else the game's first. A link
   * naming only a model (#model=seaquest-dqn) opens that model's game.
   */
  private resolveModel(next: ViewerSettings): ViewerSettings {
    const named = this.models.find((m) => m.name === next.model);
    const game = this.models.some((m) => m.env === next.game) ? next.game : (named?.env ?? this.models[0]?.env ?? '');
    const ofGame = this.models.filter((m) => m.env === game);
    fillModels(ofGame);
    const model = ofGame.some((m) => m.name === next.model) ? next.model : (defaultModel(ofGame)?.name ?? '');
    return { ...next, game, model };
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.stop();
    this.twins?.close();
    this.twins = undefined;
    const entry = this.models.find((m) => m.name === this.settings.model);
    if (entry === undefined) throw new Error('no model to load: models-index.json lists none for this game');
    showStatus('loading', `loading ${entry.name}…`);
    if (this.loaded?.entry.name !== entry.name) {
      const loaded = await loadModelFromUrl(entry, location.href);
      if (generation !== this.generation) {
        loaded.policy.model.dispose();
        return;
      }
      this.loaded?.policy.model.dispose();
      this.loaded = loaded;
    }
    const policy = (this.loaded as LoadedModel).policy;
    this.twins = new Twins(entry.env, entry.envOptions, policy, this.settings.seed);
    fillTargets(this.twins.actionNames);
    showSettings(this.settings);
    this.recorder.clear();
    this.rearm();
    this.step();
    showStatus(this.paused ? 'paused' : 'running', this.describe());
  }

  /** Rebuilds the adversary from the settings (the games go on) and restarts the counters. */
  private rearm(): void {
    if (this.twins === undefined) return;
    try {
      this.twins.setAdversary(adversaryFromSettings(this.settings, this.twins.policy));
      this.note = '';
    } catch (error) {
      this.twins.setAdversary(undefined);
      this.note = ` — attack off: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.counter.reset();
    showStatus(this.paused ? 'paused' : 'running', this.describe());
  }

  private describe(): string {
    const s = this.settings;
    const attack = s.attack === 'none' ? 'no attack' : `${s.attack.toUpperCase()} ${s.norm} ε=${s.eps}`;
    return `${this.paused ? 'paused' : 'playing'}: ${s.model} on ${s.game}, seed ${s.seed}, ${attack}${this.note}`;
  }

  step(): void {
    const twins = this.twins;
    if (twins === undefined) return;
    const step = twins.step();
    this.counter.add(step);
    const [h, w, k] = twins.policy.inputShape;
    const cleanView = newestFrame(step.attackedTwinObservation, h * w, k);
    const attackedView = step.perception.attacked ? newestFrame(step.perception.observation, h * w, k) : cleanView;
    const cleanGame = twins.renderClean();
    const attackedGame = twins.renderAttacked();
    const actionNames = twins.actionNames;
    showStep({ step, cleanGame, attackedGame, cleanView, attackedView, size: h, scores: twins.scores(), rates: this.counter.rates(), actionNames });
    const now = performance.now();
    const name = (a: number): string => actionNames[a] ?? String(a);
    this.recorder.add({ time: now, cleanGame, attackedGame, cleanView, attackedView, size: h, caption: `step ${step.step} · clean twin ${name(step.cleanAction)} · attacked twin ${name(step.perception.attackedAction)}` });
    this.recent.push(now);
    while ((this.recent[0] ?? now) < now - 1000) this.recent.shift();
    byId('rate', HTMLElement).textContent = String(this.recent.length);
    byId('rate', HTMLElement).dataset['value'] = String(this.recent.length);
  }

  togglePause(): void {
    this.paused = !this.paused;
    byId('pause', HTMLButtonElement).textContent = this.paused ? 'play' : 'pause';
    showStatus(this.paused ? 'paused' : 'running', this.describe());
    this.schedule();
  }

  singleStep(): void {
    if (!this.paused) this.togglePause();
    this.step();
  }

  async saveGif(): Promise<void> {
    const button = byId('save-gif', HTMLButtonElement);
    button.disabled = true;
    try {
      const bytes = await this.recorder.encode((done, total) => (button.textContent = `encoding ${done}/${total}…`));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bytes.slice()], { type: 'image/gif' }));
      link.download = `advgym-${this.settings.model}-${this.settings.attack}-eps${this.settings.eps}.gif`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } finally {
      button.disabled = false;
      button.textContent = 'save GIF (last 5 s)';
    }
  }

  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One step per tick, paced to the speed setting (0: back to back, the browser paints between). */
  schedule(): void {
    this.stop();
    if (this.paused || this.twins === undefined) return;
    const interval = this.settings.speed > 0 ? 1000 / this.settings.speed : 0;
    const wait = Math.max(0, this.lastTick + interval - performance.now());
    this.timer = setTimeout(() => {
      this.lastTick = performance.now();
      try {
        this.step();
        this.schedule();
      } catch (error) {
        fail(error);
      }
    }, wait);
  }
}

/**
 * The model a game opens with: its DQN with the plainest name (pong-dqn before pong-dqn-qr), the
 * victim of Huang et al.'s experiments and of the README's tables; else the first by name.
 */
function defaultModel(models: readonly ModelEntry[]): ModelEntry | undefined {
  const rank = (m: ModelEntry): number => (m.algorithm === 'dqn' ? 0 : 1);
  return [...models].sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || a.name.localeCompare(b.name))[0];
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  showStatus('error', `error: ${message.split('\n')[0]}`);
  console.error(error);
}

async function fetchModels(): Promise<ModelEntry[]> {
  const response = await fetch(MODELS_INDEX);
  if (!response.ok) throw new Error(`${MODELS_INDEX}: HTTP ${response.status}`);
  return ((await response.json()) as { models: ModelEntry[] }).models;
}

async function main(): Promise<void> {
  const parsed = parseSettings(`${location.search.slice(1)}&${location.hash.slice(1)}`.replace(/^&|&$/g, ''));
  const backend = await startBackend(parsed.settings.backend, new URL('wasm/', location.href).href);
  byId('backend', HTMLElement).textContent = backend.label;
  byId('backend', HTMLElement).dataset['value'] = backend.name;
  const models = await fetchModels();
  fillGames(listEnvs().map((env) => env.id), models);
  const viewer = new Viewer(parsed.settings, models);
  const onChange = (): void => void viewer.apply(readSettings(viewer.current())).catch(fail);
  for (const id of ['game', 'model', 'seed', 'attack', 'norm', 'scope', 'eps', 'target', 'pgd-steps', 'timing', 'timing-n', 'timing-beta', 'speed']) {
    document.getElementById(id)?.addEventListener('change', onChange);
  }
  byId('eps-slider', HTMLInputElement).addEventListener('input', () => {
    showEps(epsFromSlider(), true);
    onChange();
  });
  byId('pause', HTMLButtonElement).addEventListener('click', () => viewer.togglePause());
  byId('step', HTMLButtonElement).addEventListener('click', () => viewer.singleStep());
  byId('restart', HTMLButtonElement).addEventListener('click', () => void viewer.reload().then(() => viewer.schedule()).catch(fail));
  byId('save-gif', HTMLButtonElement).addEventListener('click', () => void viewer.saveGif().catch(fail));
  // A pasted link (hash edited by hand or another view's link) applies without a reload.
  window.addEventListener('hashchange', () => void viewer.apply(parseSettings(location.hash).settings).catch(fail));
  await viewer.apply(parsed.settings);
  if (parsed.ignored.length > 0) byId('status', HTMLElement).textContent += ` (link: ${parsed.ignored.join('; ')})`;
}

main().catch(fail);
