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
  detail?: string;
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

/** The suggestion title of a withheld fix: what it does, marked as not applied by --fix. */
export function withheldDescription(desc: string): string {
  return `${desc.replace(/[.:;\s]+$/, '')} (not auto-fixed)`;
}

/**
 * Turns the carrier's fix into its first suggestion, and says in its detail why the fix was
 * held back (`reason`: where the later statement is and what it does), which a title has no room for.
 */
export function withholdFix(target: FixCarrier, desc: string, reason: string): void {
  const fix = target.fix;
  if (!fix) return;
  delete target.fix;
  target.suggestions = [{ desc, fix: { range: fix.range, text: fix.text } }, ...(target.suggestions ?? [])];
  const why = `Not fixed automatically: ${reason}.`;
  target.detail = target.detail ? `${target.detail}\n\n${why}` : why;
}

/** The words of a statement's text for FixGuard.words: identifier-like runs, also without trailing digits. */
function wordsOf(lowerText: string): Set<string> {
  const words = new Set<string>();
  for (const match of lowerText.matchAll(/[\p{L}\p{N}_$]+/gu)) {
    const word = match[0];
    words.add(word);
    const stem = word.replace(/\d+$/, '');
    if (stem !== word && stem !== '') words.add(stem);
  }
  return words;
}

export class FixWatch {
  /** Watched fixes by the words their guards need in a statement (see FixGuard.words). */
  private byWord = new Map<string, Set<Watched>>();
  private wordsOfWatched = new Map<Watched, readonly string[]>();
  /** Guards that give no words: shown every statement. */
  private everyStatement = new Set<Watched>();
  /** Watched fixes still pointing at a raw diagnostic of the file being linted. */
  private unbound: Watched[] = [];
  private count = 0;

  /** `describePath`: how a file is named in the reason (the Linter makes paths relative to its cwd). */
  constructor(private readonly describePath: (filePath: string) => string = (filePath) => filePath) {}

  get size(): number {
    return this.count;
  }

  /** Watches the fix of `target` (a diagnostic being reported) from the next statement on. */
  watch(target: FixCarrier, guard: FixGuard): void {
    if (!target.fix) return;
    const entry: Watched = { guard, target, bound: false };
    this.count++;
    this.unbound.push(entry);
    this.index(entry);
  }

  private index(entry: Watched): void {
    let words: readonly string[] | undefined;
    try {
      words = entry.guard.words?.();
    } catch {
      words = undefined; // a guard that cannot say is shown every statement
    }
    if (!words) {
      this.everyStatement.add(entry);
      return;
    }
    this.wordsOfWatched.set(entry, words);
    for (const word of words) {
      let set = this.byWord.get(word);
      if (!set) this.byWord.set(word, (set = new Set()));
      set.add(entry);
    }
  }

  private unindex(entry: Watched): void {
    if (this.everyStatement.delete(entry)) return;
    for (const word of this.wordsOfWatched.get(entry) ?? []) {
      const set = this.byWord.get(word);
      set?.delete(entry);
      if (set?.size === 0) this.byWord.delete(word);
    }
    this.wordsOfWatched.delete(entry);
  }

  /** Shows a replayed statement to every guard still watching; withholds the fixes it conflicts with. */
  observe(observed: ObservedStatement): void {
    if (this.count === 0) return;
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
    const candidates = new Set<Watched>(this.everyStatement);
    if (this.byWord.size > 0) {
      for (const word of wordsOf(later.lowerText)) {
        const set = this.byWord.get(word);
        if (set) for (const entry of set) candidates.add(entry);
      }
    }
    for (const entry of candidates) {
      let verdict;
      try {
        verdict = entry.guard.check(later);
      } catch (error) {
        // A guard that cannot judge the statement cannot vouch for the fix either.
        verdict = { conflict: `could not be checked against the fix (${error instanceof Error ? error.message : String(error)})` };
      }
      this.unindex(entry);
      if (verdict === undefined) {
        this.index(entry); // its words may have changed (a rename)
        continue;
      }
      this.count--;
      if (verdict === 'release') continue;
      withholdFix(entry.target, withheldDescription(entry.guard.desc), `${this.describePath(observed.filePath)} line ${observed.line} ${verdict.conflict}`);
    }
  }

  /** After a file's diagnostics were finished: watch the final diagnostics instead of the raw ones. */
  rebind(finalOf: ReadonlyMap<object, FixCarrier>): void {
    for (const entry of this.unbound) {
      entry.target = finalOf.get(entry.target) ?? entry.target;
      entry.bound = true;
    }
    this.unbound = [];
  }

  /** Whether some watched fix still points at a raw diagnostic (one reported by the file being linted). */
  hasUnbound(): boolean {
    return this.unbound.length > 0;
  }
}
