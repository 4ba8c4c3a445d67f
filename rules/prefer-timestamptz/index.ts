import { defineRule } from '@sqlwarden/core';
import type { RuleContext, Statement } from '@sqlwarden/core';
import { declaredColumnTypes, declaredTypeSpan, matchCase } from '../_shared/column-types.ts';

const MESSAGE = '`{{column}}` is declared `{{written}}`, a wall-clock time that ignores input offsets; use timestamptz';

const DETAIL =
  '`{{written}}` (timestamp without time zone) stores a wall-clock reading, not an instant. PostgreSQL silently ignores any offset in the input, so `2024-03-10 09:00+01` and `2024-03-10 09:00-05` are stored as the same value although they are six hours apart, and comparing it with now() or a timestamptz converts it using each session\'s TimeZone setting. timestamptz takes the same 8 bytes, stored as UTC and shown in the session\'s time zone. The change is only a suggestion: existing values, and values the application sends without an offset, are then read in the session\'s TimeZone.';

export default defineRule({
  meta: {
    id: 'prefer-timestamptz',
    description: 'Prefer `timestamptz` to `timestamp` (without time zone) for new and changed columns: `timestamp` drops the offset and makes comparisons depend on the session time zone.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/prefer-timestamptz/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'style',
    groupRepeats: 'file',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      {
        tool: 'squawk',
        rule: 'prefer-timestamptz',
        note: 'squawk 2.66 (alias prefer-timestamp-tz) also fires on `pg_catalog.varchar(n)` and `"varchar"(n)` through a copy-paste bug; sqlwarden reads the resolved type.',
      },
      { tool: 'postgres-language-server', rule: 'preferTimestamptz' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    return {
      Statement(stmt: Statement) {
        for (const declared of declaredColumnTypes(stmt)) {
          if (declared.type.name !== 'timestamp') continue;
          const span = declaredTypeSpan(context, declared);
          if (!span) continue;
          const precision = declared.type.modifiers[0];
          const baseText = text.slice(span.base.start, span.base.end);
          const replacement = matchCase(baseText, precision !== undefined ? `timestamptz(${precision})` : 'timestamptz');
          context.report({
            range: span.range,
            message: MESSAGE,
            detail: DETAIL,
            data: { column: declared.column, written: text.slice(span.range.start, span.range.end).replace(/\s+/g, ' ') },
            suggestions: [
              { desc: `Use ${replacement}`, fix: { range: [span.base.start, span.base.end], text: replacement } },
            ],
          });
        }
      },
    };
  },
});
