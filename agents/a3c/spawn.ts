/**
 * Starts an actor-learner thread running worker.ts. Worker threads inherit neither the loader
 * hooks that bin/advgym.js registers with tsx's API nor, on Node 20, hooks from an --import in
 * execArgv for their entry module (measured: ERR_UNKNOWN_FILE_EXTENSION), so a two-line bootstrap
 * registers tsx inside the thread and then imports the TypeScript entry. Both are absolute URLs,
 * so this works wherever advgym is installed and from any working directory.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerSetup } from './protocol.ts';

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;

const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}); });`;

export function spawnActorLearner(setup: WorkerSetup): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: setup });
}
