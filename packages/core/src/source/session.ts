/**
 * The one server setting that changes how SQL text is lexed: standard_conforming_strings. With it
 * off (as old dumps and some regression scripts set it), a backslash in a plain '...' literal is an
 * escape, exactly as in E'...', so `'it\'s'` is one string. Both psql and the server follow the
 * setting, so the statement boundaries move with it.
 *
 * Followed here: SET [SESSION | LOCAL] standard_conforming_strings {= | TO} value | DEFAULT,
 * RESET standard_conforming_strings, RESET ALL, DISCARD ALL; SET LOCAL lasts until the end of the
 * transaction, and ROLLBACK undoes what SET did since BEGIN. Not followed: set_config(), ALTER
 * ROLE/DATABASE ... SET (they apply to later sessions), savepoints (ROLLBACK TO keeps the value).
 * The default is on, as in every PostgreSQL since 9.1.
 */
import { parseBoolean } from './psql.ts';

const GUC = 'standard_conforming_strings';

/** The first words of the statements `StringSettings.statement` acts on; it ignores every other statement. */
export const STATEMENTS_THAT_MATTER: ReadonlySet<string> = new Set(['set', 'reset', 'discard', 'begin', 'start', 'commit', 'end', 'prepare', 'rollback', 'abort']);

export class StringSettings {
  #session = true;
  #local: boolean | undefined;
  #inTransaction = false;
  #atBegin = true;

  /** Whether plain '...' literals are standard (backslash is an ordinary character). */
  get standardConformingStrings(): boolean {
    return this.#local ?? this.#session;
  }

  /**
   * Account for one executed statement, given its first few tokens: words in lower case, string
   * literals without their quotes, quoted identifiers without theirs, other tokens as written.
   */
  statement(words: readonly string[]): void {
    const [first, second, third] = words;
    // Keep STATEMENTS_THAT_MATTER in step with the cases below.
    switch (first) {
      case 'set': {
        let k = 1;
        let local = false;
        if (second === 'session') k = 2;
        else if (second === 'local') {
          local = true;
          k = 2;
        }
        if (words[k] !== GUC || (words[k + 1] !== '=' && words[k + 1] !== 'to')) return;
        const raw = words[k + 2];
        if (raw === undefined) return;
        const value = raw === 'default' ? true : parseBoolean(raw);
        if (value === undefined) return; // the server rejects it; nothing changes
        if (local) {
          if (this.#inTransaction) this.#local = value; // outside a transaction SET LOCAL only warns
        } else {
          this.#session = value;
          this.#local = undefined;
        }
        return;
      }
      case 'reset':
        if (second === GUC || second === 'all') this.#reset();
        return;
      case 'discard':
        if (second === 'all') this.#reset();
        return;
      case 'begin':
        this.#begin();
        return;
      case 'start':
        if (second === 'transaction') this.#begin();
        return;
      case 'commit':
      case 'end':
        if (second !== 'prepared') this.#commit();
        return;
      case 'prepare':
        if (second === 'transaction') this.#commit();
        return;
      case 'rollback':
      case 'abort':
        if (second === 'prepared' || second === 'to' || third === 'to') return;
        if (this.#inTransaction) this.#session = this.#atBegin;
        this.#commit();
        return;
      default:
        return;
    }
  }

  #reset(): void {
    this.#session = true;
    this.#local = undefined;
  }

  #begin(): void {
    if (this.#inTransaction) return;
    this.#inTransaction = true;
    this.#atBegin = this.#session;
  }

  #commit(): void {
    this.#inTransaction = false;
    this.#local = undefined;
  }
}
