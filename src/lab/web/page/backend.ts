/// <reference lib="dom" />
/**
 * The page's tensor backend: webgl where the browser has a GPU behind it, else wasm (XNNPACK; SIMD
 * and threads where the browser allows: threads need the cross-origin isolation `advgym serve`
 * sets up), else tfjs's plain JS cpu backend. `#backend=` forces one.
 * A WebGL that a software rasterizer emulates (SwiftShader, llvmpipe: headless browsers, VMs,
 * blocklisted GPUs) counts as none: in headless Chromium on 2 cores it runs the FGSM-attacked twins
 * at about 22 steps/s against wasm's 110 (bench/viewer.ts), as every step reads results back and
 * each readback stalls the emulated GPU.
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
    if (choice === 'auto' && name === 'webgl') {
      const renderer = webglRenderer();
      const why = renderer === undefined ? 'no WebGL context' : SOFTWARE_GL.test(renderer) ? `software renderer ${shortName(renderer)}` : undefined;
      if (why !== undefined) {
        skipped.push(`webgl: ${why}`);
        continue;
      }
    }
    if (await tf.setBackend(name)) {
      const label = await describe(name);
      return { name, label: skipped.length === 0 ? label : `${label}; skipped ${skipped.join(', ')}`, skipped };
    }
    skipped.push(`${name}: failed to start`);
  }
  throw new Error(`no tensor backend started (${skipped.join('; ')})`);
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * The renderer behind WebGL, or undefined without WebGL. Probed before asking tfjs, whose failed
 * webgl start would be a console warning in every page load on machines without it.
 */
function webglRenderer(): string | undefined {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (gl === null) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return undefined;
  }
}

/** 'SwiftShader' out of ANGLE's long renderer string; other names cut to a readable length. */
function shortName(renderer: string): string {
  return /swiftshader/i.test(renderer) ? 'SwiftShader' : renderer.length > 40 ? `${renderer.slice(0, 40)}…` : renderer;
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
