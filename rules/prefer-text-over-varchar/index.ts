import { defineRule } from '@sqlwarden/core';
import type { RuleContext, Statement } from '@sqlwarden/core';
import { declaredColumnTypes, declaredTypeSpan, matchCase } from '../_shared/column-types.ts';
import { hypotheticalTypeChange } from '../_shared/locks.ts';

const MESSAGE = '`{{column}}` is declared `{{written}}`, a limit only ALTER COLUMN TYPE can change; use text with a CHECK';

const DETAIL =
  'The length limit is part of the column type, so changing it later is an ALTER COLUMN TYPE. Raising it {{raise}}; lowering it {{lower}}. As `text` with `CHECK (char_length({{column}}) <= {{length}})`, the limit is changed by adding a new constraint NOT VALID and validating it, which lets reads and writes continue. Storage and speed are the same.';

export default defineRule({
  meta: {
    id: 'prefer-text-over-varchar',
    description: 'Prefer `text` (with a CHECK constraint when a limit matters) to `varchar(n)`, whose limit can only be changed with ALTER COLUMN TYPE.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/prefer-text-over-varchar/README.md', recommended: false },
    defaultSeverity: 'off',
    category: 'style',
    groupRepeats: 'file',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'prefer-text-field', note: 'squawk says changing the size takes an ACCESS EXCLUSIVE lock; sqlwarden also says which changes rewrite the table (lowering) and which do not (raising).' },
      { tool: 'postgres-language-server', rule: 'preferTextField' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    return {
      Statement(stmt: Statement) {
        for (const declared of declaredColumnTypes(stmt)) {
          const length = declared.type.modifiers[0];
          if (declared.type.name !== 'varchar' || length === undefined) continue;
          const span = declaredTypeSpan(context, declared);
          if (!span) continue;
          const baseText = text.slice(span.base.start, span.base.end);
          context.report({
            range: span.range,
            message: MESSAGE,
            detail: DETAIL,
            data: {
              column: declared.column,
              written: text.slice(span.range.start, span.range.end).replace(/\s+/g, ' '),
              length,
              raise: hypotheticalTypeChange(context, declared.table, declared.column, declared.type, 'varchar', [length * 2]),
              lower: hypotheticalTypeChange(context, declared.table, declared.column, declared.type, 'varchar', [Math.max(1, Math.floor(length / 2))]),
            },
            suggestions: [{ desc: 'Use text (add a CHECK on char_length() if the limit is a rule)', fix: { range: [span.base.start, span.base.end], text: matchCase(baseText, 'text') } }],
          });
        }
      },
    };
  },
});
