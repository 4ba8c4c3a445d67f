import { Catalog, initPostgres, postgresAdapter, type Statement } from '../../../src/index.ts';

export const ready = initPostgres();

export function parseAll(sql: string): Statement[] {
  const parsed = postgresAdapter.parseSegment(sql, { start: 0, end: sql.length });
  if (parsed.error) throw new Error(`does not parse: ${parsed.error.message}`);
  return parsed.statements;
}

export function parseOne(sql: string): Statement {
  const [stmt] = parseAll(sql);
  if (!stmt) throw new Error(`no statement in ${sql}`);
  return stmt;
}

/** A catalog that has seen `schema` (statements separated by semicolons at line ends). */
export function catalogOf(schema: string): Catalog {
  const catalog = new Catalog();
  schema
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((sql, i) => {
      for (const stmt of parseAll(sql)) catalog.apply(stmt, { file: 'schema.sql', statement: i });
    });
  return catalog;
}
