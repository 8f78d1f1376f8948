/**
 * The viewer's web build, in memory: the page (index.html, style.css), its script bundled by
 * esbuild from src/lab/web/page/main.ts (the same envs/, agents/ and src/lab/adversary modules the
 * CLI runs), tfjs's wasm binaries under wasm/, and models-index.json. `advgym serve` serves it
 * straight from memory; `npm run build:web` writes it out with the models (staticSite.ts).
 *
 * The bundle targets the browser: esbuild resolves packages through their "browser" fields (tfjs's
 * wasm backend maps fs, path, worker_threads... to nothing there), and any node: import reaching
 * the page is a build error, not a runtime surprise (see NODE_ONLY below).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { ModelEntry } from './page/modelEntry.ts';
import { MODELS_INDEX } from './page/modelEntry.ts';

/** URL path (no leading '/') -> file bytes. */
export type WebAssets = Map<string, Uint8Array>;

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/**
 * Fails the build on any Node built-in reaching the bundle, naming the importer: esbuild's browser
 * platform would otherwise leave `node:fs` as an external import that only fails in the browser.
 */
const NODE_ONLY: Plugin = {
  name: 'advgym-no-node-builtins',
  setup(builder) {
    builder.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.importer} imports ${args.path}: Node-only modules must stay out of the page (split the module)` }],
    }));
  },
};

export interface BuildOptions {
  /** Minify the bundle (default true; tests of the build itself may skip it for speed). */
  readonly minify?: boolean;
}

export async function buildPageAssets(models: readonly ModelEntry[], options: BuildOptions = {}): Promise<WebAssets> {
  const result = await build({
    entryPoints: [join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    outfile: 'main.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [NODE_ONLY],
  });
  const bundle = result.outputFiles.find((file) => file.path.endsWith('main.js'));
  if (bundle === undefined) throw new Error('esbuild produced no main.js');
  const assets: WebAssets = new Map();
  assets.set('index.html', readFileSync(join(PAGE_DIR, 'index.html')));
  assets.set('style.css', readFileSync(join(PAGE_DIR, 'style.css')));
  assets.set('main.js', bundle.contents);
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  for (const file of WASM_FILES) assets.set(`wasm/${file}`, readFileSync(join(wasmDir, file)));
  assets.set(MODELS_INDEX, new TextEncoder().encode(`${JSON.stringify({ models }, null, 2)}\n`));
  return assets;
}
