// Types of scripts/build-wasm.mjs for the TypeScript test that imports it (wasmSources.test.ts).
export declare const WASM_DIR: string;
/** Every src/core/tensor/kernels/wasm/*.wat and the .wasm it compiles to, as absolute paths, sorted. */
export declare function watSources(): { wat: string; wasm: string }[];
/** The validated binary of one .wat, exactly as `npm run build:wasm` writes it. */
export declare function compileWat(watPath: string): Promise<Uint8Array>;
