// Compiles advgym's WebAssembly text sources (src/core/tensor/kernels/wasm/*.wat) into the .wasm binaries
// beside them, which are committed: the runtime (kernels/heapModule.ts) only reads the bytes, so no
// CLI start or test pays for loading wabt (a few MB of JS and wasm). Run `npm run build:wasm` after
// editing a .wat; test/src/core/tensor/kernels/wasmSources.test.ts fails while a .wasm is stale.
//
// Usage: node scripts/build-wasm.mjs          writes every .wasm
// Imported (by that test): watSources() and compileWat() without writing anything.
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import initWabt from 'wabt';

export const WASM_DIR = fileURLToPath(new URL('../src/core/tensor/kernels/wasm/', import.meta.url));

/** The post-MVP features the sources may use: SIMD (f32x4 in adamStep.wat), nothing else. */
const FEATURES = { simd: true };

/** Every source, as { wat, wasm } absolute paths, sorted by name. */
export function watSources() {
  return readdirSync(WASM_DIR)
    .filter((name) => name.endsWith('.wat'))
    .sort()
    .map((name) => ({ wat: join(WASM_DIR, name), wasm: join(WASM_DIR, name.replace(/\.wat$/, '.wasm')) }));
}

let wabt;

/** The binary of one .wat (validated; no name section, so the bytes depend only on the code). */
export async function compileWat(watPath) {
  wabt ??= await initWabt();
  const module = wabt.parseWat(watPath, readFileSync(watPath, 'utf8'), FEATURES);
  try {
    module.resolveNames();
    module.validate();
    return Uint8Array.from(module.toBinary({ write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

async function main() {
  for (const { wat, wasm } of watSources()) {
    const bytes = await compileWat(wat);
    // Temp file + rename: a failed run never leaves a truncated .wasm for the runtime to load.
    writeFileSync(`${wasm}.tmp`, bytes);
    renameSync(`${wasm}.tmp`, wasm);
    console.log(`${wasm}: ${bytes.length} bytes`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // wabt's errors name the file, line and column; an uncaught one would also print its minified source.
  await main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
