/**
 * Young-generation garbage collection between lints instead of during them.
 *
 * A lint of a large migration allocates about as much as V8's young generation holds, so a
 * scavenge used to fall inside nearly every lint, and it copied the live half of that lint's
 * work (catalog, statements, findings) to survive it: a few milliseconds on each keystroke's
 * answer. Collected once the answer has gone out, the garbage of the last lint is all dead and
 * the scavenge is short, and the next lint starts with an empty young generation.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;

let collect: Collect | null | undefined;

/** V8's `gc()`, from a fresh context: `--expose-gc` set at run time exposes it only to contexts made after. */
function collector(): Collect | undefined {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as Collect) : null;
    } catch {
      collect = null;
    }
  }
  return collect ?? undefined;
}

export class IdleCollector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Minor collections run so far (for tests and tracing). */
  collections = 0;

  /** `delayMs`: how long the server must have nothing to do; a new lint in the meantime postpones it. */
  constructor(private readonly delayMs = 0) {}

  /** After a lint's answer was sent: collect once the server has been idle for `delayMs`. */
  schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const gc = collector();
      if (!gc) return;
      gc({ type: 'minor' });
      this.collections++;
    }, this.delayMs);
    this.timer.unref();
  }

  /** A lint is starting: a collection now would only add to its time. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
