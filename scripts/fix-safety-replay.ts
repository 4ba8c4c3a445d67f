/**
 * Replays migration files on a fresh PostgreSQL (PGlite, in process) one statement at a time,
 * in the order given, and records which statements succeed. Used by the `--fix` safety test
 * (test/cli/fix-safety.test.ts) and the corpus check (scripts/fix-safety-corpus.ts): a fix
 * must leave the list of outcomes unchanged.
 *
 * Statements are cut by PostgreSQL's own parser (libpg-query); a file it cannot parse is sent
 * as one query. Like `psql -f` without ON_ERROR_STOP, a failed statement does not stop the file.
 */
import { PGlite } from '@electric-sql/pglite';
import { loadModule, parseSync } from 'libpg-query';

export interface StatementOutcome {
  /** The file, as given. */
  file: string;
  /** 0-based index of the statement in the file. */
  index: number;
  ok: boolean;
  /** The error's message when the statement failed. */
  error?: string;
  /** The statement's text, collapsed to one line. */
  text: string;
}

let loaded: Promise<void> | undefined;

/** The statements of `sql` as PostgreSQL's parser cuts them (UTF-8 byte offsets turned into text). */
export async function splitStatements(sql: string): Promise<string[]> {
  loaded ??= loadModule();
  await loaded;
  let stmts: Array<{ stmt_location?: number; stmt_len?: number }>;
  try {
    stmts = (parseSync(sql) as { stmts?: Array<{ stmt_location?: number; stmt_len?: number }> }).stmts ?? [];
  } catch {
    return sql.trim() === '' ? [] : [sql];
  }
  const bytes = Buffer.from(sql, 'utf8');
  return stmts.map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    return bytes.subarray(start, end).toString('utf8');
  });
}

/** Replays the files (in the order given) on a new PGlite database and returns every statement's outcome. */
export async function replay(files: ReadonlyArray<{ name: string; text: string }>): Promise<StatementOutcome[]> {
  const db = await PGlite.create();
  const outcomes: StatementOutcome[] = [];
  try {
    for (const file of files) {
      const statements = await splitStatements(file.text);
      for (const [index, statement] of statements.entries()) {
        const text = statement.replace(/\s+/g, ' ').trim().slice(0, 200);
        try {
          await db.exec(statement);
          outcomes.push({ file: file.name, index, ok: true, text });
        } catch (error) {
          outcomes.push({ file: file.name, index, ok: false, error: error instanceof Error ? error.message : String(error), text });
        }
      }
      // Each file in a session of its own, as `psql -f` runs it: a transaction it leaves open ends with it.
      await db.exec('ROLLBACK').catch(() => undefined);
    }
  } finally {
    await db.close();
  }
  return outcomes;
}

/** The outcomes that differ between two replays of the same files (matched by file and statement index). */
export function outcomeChanges(before: readonly StatementOutcome[], after: readonly StatementOutcome[]): Array<{ before: StatementOutcome; after?: StatementOutcome }> {
  const byKey = new Map(after.map((o) => [`${o.file}\u0000${o.index}`, o] as const));
  const changes: Array<{ before: StatementOutcome; after?: StatementOutcome }> = [];
  for (const o of before) {
    const other = byKey.get(`${o.file}\u0000${o.index}`);
    if (!other || other.ok !== o.ok) changes.push(other ? { before: o, after: other } : { before: o });
  }
  return changes;
}
