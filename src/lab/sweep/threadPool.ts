/**
 * A fixed set of unit threads (unitThread.ts) fed from one queue of tasks: each idle thread takes
 * the next unit. Results come back in completion order; the caller persists and assembles them.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../../core/errors.ts';
import type { BackendChoice } from '../../core/tensor/backend.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import type { UnitResult, WorkUnit } from '../experiment/units.ts';
import type { RunModels } from './modelRef.ts';
import type { ThreadReply, ThreadSetup, UnitTask, UnitTiming } from './threadProtocol.ts';

/** One unit's life, main-thread and thread clocks in epoch ms (bench/sweepProfile.ts reads these). */
export interface UnitTimeline extends UnitTiming {
  readonly unit: WorkUnit;
  readonly thread: number;
  /** The main thread posted the task / received the result. */
  readonly posted: number;
  readonly delivered: number;
}

const epochMs = (): number => performance.timeOrigin + performance.now();
const TSX_API = import.meta.resolve('tsx/esm/api');
const THREAD_ENTRY = new URL('./unitThread.ts', import.meta.url).href;
// Threads inherit no tsx loader hooks (see agents/a3c/spawn.ts): register tsx, then import the entry.
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_ENTRY)}); });`;

interface Pending {
  readonly task: UnitTask;
  posted?: number;
  readonly resolve: (result: UnitResult) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly index: number;
  readonly worker: Worker;
  current: Pending | undefined;
  alive: boolean;
  started: boolean;
}

export class UnitThreadPool {
  private readonly threads: Thread[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 0;
  private fatal: Error | undefined;
  private booting: number;
  private booted: () => void = () => undefined;
  /** Resolves when every thread has started (or died trying): threadSource's main lane stops then. */
  readonly ready: Promise<void>;
  /** Set to hear each unit's timeline (profiling); unset in normal runs. */
  onTimeline: ((entry: UnitTimeline) => void) | undefined;

  constructor(size: number, backend: BackendChoice, profile = false) {
    const setup: ThreadSetup = { backend, profile };
    this.booting = size;
    this.ready = new Promise((resolve) => (this.booted = resolve));
    if (size === 0) this.booted();
    for (let i = 0; i < size; i++) {
      const thread: Thread = { index: i, worker: new Worker(BOOTSTRAP, { eval: true, workerData: setup }), current: undefined, alive: true, started: false };
      thread.worker.on('message', (reply: ThreadReply) => this.onReply(thread, reply));
      thread.worker.on('error', (error) => this.onDeath(thread, error));
      thread.worker.on('exit', (code) => this.onDeath(thread, new Error(`a unit thread exited with code ${code}`)));
      this.threads.push(thread);
    }
  }

  get size(): number {
    return this.threads.length;
  }

  run(config: ExperimentConfig, models: RunModels, unit: WorkUnit): Promise<UnitResult> {
    if (this.fatal !== undefined) return Promise.reject(this.fatal);
    return new Promise((resolve, reject) => {
      this.waiting.push({ task: { id: this.nextId++, config, models, unit }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    for (const thread of this.threads) this.threadStarted(thread);
    await Promise.all(this.threads.map((t) => { t.alive = false; return t.worker.terminate(); }));
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (!thread.alive || thread.current !== undefined) continue;
      const next = this.waiting.shift();
      if (next === undefined) return;
      thread.current = next;
      next.posted = epochMs();
      thread.worker.postMessage(next.task);
    }
  }

  private onReply(thread: Thread, reply: ThreadReply): void {
    if (reply.type === 'ready') {
      this.threadStarted(thread);
      return;
    }
    if (reply.type === 'error' && reply.id === -1) {
      this.threadStarted(thread);
      this.failAll(new UserError(reply.message, reply.exitCode));
      return;
    }
    const current = thread.current;
    if (current === undefined || current.task.id !== reply.id) return;
    thread.current = undefined;
    if (reply.type === 'result') {
      this.onTimeline?.({ unit: current.task.unit, thread: thread.index, posted: current.posted ?? Number.NaN, delivered: epochMs(), ...reply.timing });
      current.resolve(reply.result);
    }
    else current.reject(new UserError(reply.message, reply.exitCode));
    this.dispatch();
  }

  private threadStarted(thread: Thread): void {
    if (thread.started) return;
    thread.started = true;
    if (--this.booting === 0) this.booted();
  }

  private onDeath(thread: Thread, error: Error): void {
    this.threadStarted(thread);
    if (!thread.alive) return;
    thread.alive = false;
    thread.current?.reject(error);
    thread.current = undefined;
    if (this.threads.every((t) => !t.alive)) this.failAll(error);
    else this.dispatch();
  }

  private failAll(error: Error): void {
    this.fatal = error;
    for (const pending of this.waiting.splice(0)) pending.reject(error);
    for (const thread of this.threads) {
      thread.current?.reject(error);
      thread.current = undefined;
    }
  }
}
