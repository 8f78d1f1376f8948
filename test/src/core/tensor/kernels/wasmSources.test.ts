/**
 * The committed WebAssembly binaries (src/core/tensor/kernels/wasm/*.wasm, which the runtime loads)
 * against their text sources (*.wat, which reviewers read): every .wat compiled with wabt, as
 * `npm run build:wasm` compiles it, must give the committed .wasm byte for byte, so the two can
 * never drift apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { compileWat, watSources } from '../../../../../scripts/build-wasm.mjs';

test('every .wat source compiles to its committed .wasm, byte for byte', async () => {
  const sources = watSources();
  // The modules the kernels load (adamSimd.ts, elementwise.ts, linfPgdStep.ts, stridedCopy.ts): a lost source must not pass as "nothing to check".
  const loaded = ['adamStep.wat', 'elementwise.wat', 'linfPgdStep.wat', 'stridedCopy.wat'];
  assert.deepEqual(sources.map(({ wat }) => basename(wat)).filter((name) => loaded.includes(name)), loaded);
  for (const { wat, wasm } of sources) {
    const compiled = await compileWat(wat);
    assert.ok(existsSync(wasm), `${wasm} is missing: run npm run build:wasm`);
    assert.deepEqual(new Uint8Array(readFileSync(wasm)), compiled, `${wasm} differs from what ${basename(wat)} compiles to: run npm run build:wasm`);
  }
});
