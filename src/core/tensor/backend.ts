/**
 * Chooses the tensor backend once per process: tfjs-node (native TensorFlow) where it loads, else
 * wasm (XNNPACK, SIMD) with the project's extra kernels, else the pure-JS cpu backend.
 *
 * - `@tensorflow/tfjs-node` is an optional dependency: its install step downloads libtensorflow,
 *   which fails on offline machines. `auto` tries it with a dynamic import and falls back silently;
 *   asking for `node` explicitly makes a failure a UserError.
 * - tfjs-node registers its backend in the engine of the `@tensorflow/tfjs-core` it resolves. With
 *   exact 4.22.0 pins npm installs a single tfjs-core, so ours and tfjs-node's share one engine; we
 *   check that (findBackend('tensorflow') on our engine) instead of trusting it.
 * - wasm in Node runs single-threaded: tfjs-backend-wasm 4.22 hard-codes
 *   WASM_HAS_MULTITHREAD_SUPPORT=false under Node (tensorflow/tfjs#3830), so setThreadsCount has no
 *   effect there. SIMD is detected and used (tfjs-backend-wasm-simd.wasm). On the 2-core machines
 *   advgym targets, one thread per process is what we want anyway: A3C runs one worker per core.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node bundle registers no gradient functions (the union package @tensorflow/tfjs does
// that), and its dist/register_all_gradients.js is ESM that plain Node cannot load. tfjs-layers'
// bundle registers the full set on import, into the global registry our tfjs-core reads.
import '@tensorflow/tfjs-layers';
import { UserError } from '../errors.ts';
import { registerOpKernels, registerWasmKernels, registeredWasmKernels } from './kernels/index.ts';

export const BACKEND_CHOICES = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The environment variable that overrides the default `auto` (the CLI's --backend overrides both). */
export const BACKEND_ENV_VAR = 'ADVGYM_BACKEND';

/** What run metadata records about the tensor backend. */
export interface BackendInfo {
  /** What was asked for: 'auto', 'node', 'wasm' or 'cpu'. */
  requested: BackendChoice;
  /** The tfjs backend in use: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  name: string;
  tfjsVersion: string;
  /** wasm only: whether the SIMD build is in use. */
  wasmSimd?: boolean;
  /** wasm only: XNNPACK threads (always 1 in Node, see the file comment). */
  wasmThreads?: number;
  /** Kernels advgym registered on top of the backend's own. */
  projectKernels: string[];
  /** Backends `auto` tried and skipped, with the reason (e.g. tfjs-node not installed). */
  skipped: string[];
}

let current: BackendInfo | undefined;
let pending: Promise<string> | undefined;
let pendingChoice: BackendChoice | undefined;

/** Validates a backend name from the CLI or the environment; `source` names where it came from. */
export function parseBackendChoice(value: string, source = BACKEND_ENV_VAR): BackendChoice {
  const choice = BACKEND_CHOICES.find((c) => c === value.trim().toLowerCase());
  if (choice === undefined) {
    throw new UserError(`${source}: unknown backend '${value}' (expected one of ${BACKEND_CHOICES.join(', ')})`);
  }
  return choice;
}

/** The choice the environment asks for: ADVGYM_BACKEND if set, else 'auto'. */
export function backendChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const value = env[BACKEND_ENV_VAR];
  return value === undefined || value === '' ? 'auto' : parseBackendChoice(value);
}

/**
 * Selects and initialises the backend, registers advgym's kernels, logs the choice once to stderr
 * and returns the tfjs backend name. Calling it again with the same choice is cheap and returns the
 * same name; a different choice switches backends (tests use this to compare wasm with cpu).
 */
export async function initBackend(choice: BackendChoice = backendChoiceFromEnv()): Promise<string> {
  if (current !== undefined && current.requested === choice && tf.getBackend() === current.name) return current.name;
  if (pending !== undefined && pendingChoice === choice) return pending;
  pendingChoice = choice;
  pending = select(choice).finally(() => {
    pending = undefined;
    pendingChoice = undefined;
  });
  return pending;
}

/** What is in use, for run metadata. Throws if initBackend has not run. */
export function backendInfo(): BackendInfo {
  if (current === undefined) throw new Error('backendInfo() called before initBackend()');
  return { ...current, projectKernels: [...current.projectKernels], skipped: [...current.skipped] };
}

async function select(choice: BackendChoice): Promise<string> {
  const skipped: string[] = [];
  const order: Array<Exclude<BackendChoice, 'auto'>> = choice === 'auto' ? ['node', 'wasm', 'cpu'] : [choice];
  for (const candidate of order) {
    const failure = await tryBackend(candidate);
    if (failure === undefined) {
      current = await describe(choice, skipped);
      logOnce(current);
      return current.name;
    }
    if (choice !== 'auto') throw new UserError(`backend '${candidate}' is not available: ${failure}`);
    skipped.push(`${candidate}: ${failure}`);
  }
  throw new UserError(`no tensor backend could be initialised (${skipped.join('; ')})`);
}

/** Switches to `candidate`; returns undefined on success or a one-line reason it is unavailable. */
async function tryBackend(candidate: Exclude<BackendChoice, 'auto'>): Promise<string | undefined> {
  try {
    if (candidate === 'node') {
      await loadTfjsNode();
      return (await tf.setBackend('tensorflow')) ? undefined : 'tfjs-node backend failed to initialise';
    }
    if (candidate === 'wasm') registerWasmKernels();
    registerOpKernels();
    if (!(await tf.setBackend(candidate))) return `${candidate} backend failed to initialise`;
    // The cpu backend prints a multi-line "install tfjs-node" banner on first use; we already say
    // which backend is in use, in one line.
    if (candidate === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

async function loadTfjsNode(): Promise<void> {
  if (tf.findBackend('tensorflow') !== null) return;
  // A non-literal specifier: the package is optional and usually absent, so it must not be a
  // static (type-checked, always-resolved) import.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error('@tensorflow/tfjs-node is not installed (optional; needs a libtensorflow download)');
    }
    throw new Error(`@tensorflow/tfjs-node failed to load: ${firstLine(error)}`);
  }
  if (tf.findBackend('tensorflow') === null) {
    // tfjs-node registered into a different copy of tfjs-core (mismatched versions in node_modules).
    throw new Error('@tensorflow/tfjs-node loaded but registered into another copy of @tensorflow/tfjs-core (align versions)');
  }
}

async function describe(requested: BackendChoice, skipped: string[]): Promise<BackendInfo> {
  const name = tf.getBackend();
  const info: BackendInfo = {
    requested,
    name,
    tfjsVersion: tf.version_core,
    projectKernels: name === 'wasm' ? registeredWasmKernels() : [],
    skipped,
  };
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    info.wasmSimd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    info.wasmThreads = wasm.getThreadsCount();
  }
  return info;
}

let logged = false;

/** One stderr line per process: later switches (tests comparing backends) stay quiet. */
function logOnce(info: BackendInfo): void {
  if (logged) return;
  logged = true;
  const extras =
    info.name === 'wasm' ? ` (simd ${info.wasmSimd ? 'on' : 'off'}, ${info.wasmThreads ?? 1} thread(s), +${info.projectKernels.length} advgym kernel(s))` : '';
  process.stderr.write(`advgym: tensor backend ${info.name}${extras}\n`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
