/**
 * A progress bar on stderr for long runs. It appears only when stderr is a terminal, the run is
 * not in CI (`CI` set) and not on a dumb terminal, and only once the run has lasted a second, so
 * short runs, pipes, files and CI logs never see it. It redraws one line at most ten times a
 * second and erases it when the run ends, leaving the report untouched.
 */

export interface Progress {
  /** `count` more files are done. */
  tick(count?: number): void;
  /** Erases the bar, if it was drawn. */
  done(): void;
}

export interface ProgressOptions {
  stream: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  total: number;
  /** Milliseconds; tests pass a fake clock. */
  now?: () => number;
  /** Show the bar after this long (default 1000 ms). */
  delay?: number;
}

const NO_PROGRESS: Progress = { tick() {}, done() {} };
const REDRAW_INTERVAL = 100;

export function progressWanted(stream: ProgressOptions['stream'], env: ProgressOptions['env']): boolean {
  if (stream.isTTY !== true) return false;
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.total === 0 || !progressWanted(options.stream, options.env)) return NO_PROGRESS;
  const now = options.now ?? Date.now;
  const delay = options.delay ?? 1000;
  const start = now();
  let completed = 0;
  let drawn = false;
  let lastDraw = -Infinity;
  const width = (): number => Math.max(10, Math.min(40, (options.stream.columns ?? 80) - 40));

  const draw = (): void => {
    const fraction = Math.min(1, completed / options.total);
    const filled = Math.round(fraction * width());
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width() - filled)}`;
    options.stream.write(`\r\x1b[K[${bar}] ${completed}/${options.total} files ${Math.floor(fraction * 100)}%`);
    drawn = true;
  };

  return {
    tick(count = 1) {
      completed += count;
      const time = now();
      if (time - start < delay || time - lastDraw < REDRAW_INTERVAL) return;
      lastDraw = time;
      draw();
    },
    done() {
      if (drawn) options.stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
