/** A progress bar on a terminal (cli-progress); plain periodic lines when output is piped or in CI. */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY && !process.env['CI']) {
    const bar = new cliProgress.SingleBar(
      { format: ' {bar} {value}/{total} episodes | {label}', stream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label) {
        if (!started) bar.start(total, 0, { label });
        started = true;
        bar.update(done, { label });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (done === total || now - lastLine > 5000) {
        stream.write(`  ${done}/${total} episodes (${label})\n`);
        lastLine = now;
      }
    },
    stop: () => undefined,
  };
}
