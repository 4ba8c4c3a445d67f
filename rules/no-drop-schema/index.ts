import { defineRule } from '@sqlwarden/core';
import type { Drop, RuleContext } from '@sqlwarden/core';
import { isSchemaCreatedInFile, judgesCompatibility } from '../_shared/backward-compat.ts';
import { joinAnd, lockSentence } from '../_shared/breaking-change-locks.ts';

const MESSAGES = {
  cascade: 'DROP SCHEMA `{{schema}}` CASCADE drops every object in it and all that depends on them; drop the objects one by one',
  restrict: 'DROP SCHEMA `{{schema}}` fails while it still holds {{knownShort}}; drop or move them first',
};

const DETAILS = {
  cascade:
    'DROP SCHEMA `{{schema}}` CASCADE drops every table, view, sequence, function and type in it, with their data, and every object elsewhere that depends on them (views, foreign keys){{known}}: code that uses any of them breaks, and nothing can be recovered once this commits.{{lock}} Drop the objects one by one in migrations that can each be reviewed, then drop the empty schema without CASCADE.',
  restrict:
    'DROP SCHEMA `{{schema}}` fails while the schema still contains objects, and the catalog knows of {{known}} there: PostgreSQL stops the migration with `cannot drop schema {{schema}} because other objects depend on it`. Drop or move those objects before this statement.',
};

/** "`a.x`", "`a.x` and `a.y`", "`a.x` and 2 more tables": few enough names for a headline. */
function tablesShort(known: readonly string[]): string {
  return known.length <= 2 ? joinAnd(known) : `${known[0]} and ${known.length - 1} more tables`;
}

export default defineRule({
  meta: {
    id: 'no-drop-schema',
    description: 'Disallow `DROP SCHEMA ... CASCADE` in migrations, which drops every object in the schema and everything depending on them; and `DROP SCHEMA` of a schema still holding known tables, which fails.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-drop-schema/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'atlas', rule: 'DS101' },
      { tool: 'postgres-language-server', rule: 'banDropSchema', note: 'pgls reports every DROP SCHEMA; sqlwarden reports CASCADE, or a schema the catalog knows is not empty.' },
    ],
  },
  create(context: RuleContext) {
    return {
      Drop(stmt: Drop) {
        if (stmt.objectKind !== 'schema' || !context.file.isMigration) return;
        // A rollback may drop what its up part created: only a drop that fails is reported there.
        const judged = judgesCompatibility(context);
        const tables = [...context.catalog.tables()];
        for (const name of stmt.names) {
          const schema = name.name;
          const known = tables.filter((t) => t.schema === schema).map((t) => `\`${t.schema}.${t.name}\``);
          if (stmt.cascade) {
            if (!judged || isSchemaCreatedInFile(context, schema)) continue;
            context.report({
              range: stmt.range,
              message: MESSAGES.cascade,
              detail: DETAILS.cascade,
              data: { schema, known: known.length ? `; the catalog knows of ${joinAnd(known)}` : '', lock: lockSentence(context, stmt) },
            });
          } else if (known.length) {
            // Fails whoever created the schema, this file included.
            context.report({ range: stmt.range, message: MESSAGES.restrict, detail: DETAILS.restrict, data: { schema, known: joinAnd(known), knownShort: tablesShort(known) }, fails: true });
          }
        }
      },
    };
  },
});
