/// <reference lib="dom" />
/**
 * The page's tensor backend: webgl where the browser has it (a GPU, or a software GL), else wasm
 * (XNNPACK; SIMD and threads where the browser allows: threads need the cross-origin isolation
 * `advgym serve` sets up), else tfjs's plain JS cpu backend. `?backend=` / `#backend=` forces one.
 * advgym's own wasm kernels (src/core/tensor/kernels) load their modules with node:fs and are
 * training kernels anyway; the page uses tfjs's shipped ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './settings.ts';

export interface BackendReport {
  readonly name: string;
  /** One line for the page, e.g. 'wasm (simd, 2 threads)'. */
  readonly label: string;
  /** Backends tried first that did not start. */
  readonly skipped: string[];
}

/** `wasmBase` is the folder URL holding tfjs's three .wasm builds (the page's wasm/). */
export async function startBackend(choice: BackendName, wasmBase: string): Promise<BackendReport> {
  setWasmPaths(wasmBase);
  const order: string[] = choice === 'auto' ? ['webgl', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    // setBackend resolves false (tfjs logs a warning) when a backend cannot start, e.g. no WebGL.
    if (choice === 'auto' && name === 'webgl' && !hasWebgl()) {
      skipped.push('webgl: no WebGL context');
      continue;
    }
    if (await tf.setBackend(name)) return { name, label: await describe(name), skipped };
    skipped.push(`${name}: failed to start`);
  }
  throw new Error(`no tensor backend started (${skipped.join('; ')})`);
}

/**
 * Probes WebGL before asking tfjs, whose failed webgl start is a console warning in every page
 * load on machines without it (headless browsers, remote desktops).
 */
function hasWebgl(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) !== null;
  } catch {
    return false;
  }
}

async function describe(name: string): Promise<string> {
  if (name === 'wasm') {
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    const threads = getThreadsCount();
    return `wasm (${simd ? 'simd' : 'no simd'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  }
  if (name === 'webgl') {
    const version = tf.env().getNumber('WEBGL_VERSION');
    return `webgl (WebGL ${version})`;
  }
  return name;
}
