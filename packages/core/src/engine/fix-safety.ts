/**
 * Fix safety across the replayed history. A rule that reports a fix with a `fixGuard` says what
 * the fix changes; the fix is watched here while the rest of the history is replayed (later
 * statements of its file, then later files in replay order), and the first later statement the
 * guard finds in conflict withholds it: the fix becomes the diagnostic's first suggestion, whose
 * title says what it does and why `--fix` did not apply it.
 *
 * A fix is only known safe once the whole history after it has been seen, so `Linter.lintFiles`
 * with `fix` lints the whole history, with one watch, before applying anything. Otherwise each
 * file has a watch of its own: its guarded fixes are checked against the rest of the file, and a
 * file's findings never depend on the files after it (the CLI's --cache and --concurrency, and
 * the language server, which lints one file, rely on that).
 */
import type { CatalogReader } from '../catalog/types.ts';
import type { FixGuard, LaterStatement, StatementInfo } from '../rule.ts';
import type { Fix, Suggestion } from '../types.ts';

/** The part of a diagnostic a withheld fix changes. */
export interface FixCarrier {
  fix?: Fix;
  suggestions?: Suggestion[];
}

interface Watched {
  guard: FixGuard;
  /** The diagnostic carrying the fix: the raw one while its file is linted, the final one after. */
  target: FixCarrier;
  /** Whether `target` is the final diagnostic (see `rebind`). */
  bound: boolean;
}

export interface ObservedStatement {
  statement: StatementInfo;
  filePath: string;
  rollback: boolean;
  catalog: CatalogReader;
  /** 1-based line of the statement's start, for the reason shown to the user. */
  line: number;
}

/** The suggestion title of a withheld fix: what it does, then why it was not applied. */
export function withheldDescription(desc: string, where: string, conflict: string): string {
  const what = desc.replace(/[.\s]+$/, '');
  return `${what} (not auto-fixed: ${where} ${conflict}).`;
}

/** Turns the carrier's fix into its first suggestion. */
export function withholdFix(target: FixCarrier, desc: string): void {
  const fix = target.fix;
  if (!fix) return;
  delete target.fix;
  target.suggestions = [{ desc, fix }, ...(target.suggestions ?? [])];
}

export class FixWatch {
  private watched: Watched[] = [];

  /** `describePath`: how a file is named in the reason (the Linter makes paths relative to its cwd). */
  constructor(private readonly describePath: (filePath: string) => string = (filePath) => filePath) {}

  get size(): number {
    return this.watched.length;
  }

  /** Watches the fix of `target` (a diagnostic being reported) from the next statement on. */
  watch(target: FixCarrier, guard: FixGuard): void {
    if (target.fix) this.watched.push({ guard, target, bound: false });
  }

  /** Shows a replayed statement to every guard still watching; withholds the fixes it conflicts with. */
  observe(observed: ObservedStatement): void {
    if (this.watched.length === 0) return;
    let lower: string | undefined;
    const later: LaterStatement = {
      statement: observed.statement,
      filePath: observed.filePath,
      rollback: observed.rollback,
      catalog: observed.catalog,
      get lowerText() {
        lower ??= observed.statement.text.toLowerCase();
        return lower;
      },
    };
    const still: Watched[] = [];
    for (const entry of this.watched) {
      let verdict;
      try {
        verdict = entry.guard.check(later);
      } catch (error) {
        // A guard that cannot judge the statement cannot vouch for the fix either.
        verdict = { conflict: `could not be checked against the fix (${error instanceof Error ? error.message : String(error)})` };
      }
      if (verdict === undefined) {
        still.push(entry);
        continue;
      }
      if (verdict === 'release') continue;
      withholdFix(entry.target, withheldDescription(entry.guard.desc, `${this.describePath(observed.filePath)} line ${observed.line}`, verdict.conflict));
    }
    this.watched = still;
  }

  /** After a file's diagnostics were finished: watch the final diagnostics instead of the raw ones. */
  rebind(finalOf: ReadonlyMap<object, FixCarrier>): void {
    for (const entry of this.watched) {
      if (entry.bound) continue;
      entry.target = finalOf.get(entry.target) ?? entry.target;
      entry.bound = true;
    }
  }

  /** Whether some watched fix still points at a raw diagnostic (one reported by the file being linted). */
  hasUnbound(): boolean {
    return this.watched.some((entry) => !entry.bound);
  }
}
