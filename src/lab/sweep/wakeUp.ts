/**
 * A sleep that an event can cut short: the queue loops sleep until a Redis event says there is
 * something to do (a unit finished, a run was submitted), with a timed look as the fallback for an
 * event missed while a connection was down. Wake-ups while awake are remembered, not lost.
 */
export class WakeUp {
  private pending = false;
  private wake: (() => void) | undefined;

  /** Called from an event: the next (or current) sleep ends at once. */
  readonly signal = (): void => {
    this.pending = true;
    this.wake?.();
  };

  sleep(ms: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', done);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, this.pending || abort?.aborted === true ? 0 : ms);
      this.wake = done;
      abort?.addEventListener('abort', done, { once: true });
    });
  }
}
