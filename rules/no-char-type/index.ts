import { defineRule } from '@sqlwarden/core';
import type { RuleContext, Statement } from '@sqlwarden/core';
import { declaredColumnTypes, declaredTypeSpan, matchCase } from '../_shared/column-types.ts';

const MESSAGE = '`{{column}}` is declared `{{written}}`, a blank-padded type that compares ignoring trailing spaces; use {{instead}}';

const DETAIL =
  '`{{written}}` is {{meaning}}: PostgreSQL pads shorter values with spaces and returns them padded, but ignores trailing spaces when comparing and drops them when casting to text (`{{column}} || \'-\'` loses it), and comparing it with a text parameter casts the column to text, so an index on it is not used. It is not faster or smaller than text or varchar. Use {{insteadInDetail}}.';

/** `"char"` (quoted) is PostgreSQL's internal one-byte type, a different type from `char`/`character`. */
function isInternalCharType(quoted: boolean, nameText: string): boolean {
  return quoted && nameText === '"char"';
}

export default defineRule({
  meta: {
    id: 'no-char-type',
    description: 'Disallow `char(n)`/`character(n)` columns, which pad values with spaces and compare ignoring them; use `text` or `varchar(n)`.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-char-type/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'style',
    groupRepeats: 'file',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-char-field', note: 'squawk also flags the quoted `"char"` type, which is PostgreSQL\'s one-byte internal type and not blank-padded; sqlwarden does not.' },
      { tool: 'postgres-language-server', rule: 'banCharField' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    return {
      Statement(stmt: Statement) {
        for (const declared of declaredColumnTypes(stmt)) {
          if (declared.type.name !== 'bpchar') continue;
          const span = declaredTypeSpan(context, declared);
          if (!span) continue;
          const nameText = text.slice(span.nameToken.start, span.nameToken.end);
          if (isInternalCharType(span.quoted, nameText)) continue;
          const baseText = text.slice(span.base.start, span.base.end);
          const length = declared.type.modifiers[0];
          const suggestions = [];
          if (length !== undefined) {
            suggestions.push({ desc: `Use varchar(${length}) (same length limit, no padding)`, fix: { range: [span.base.start, span.base.end] as [number, number], text: matchCase(baseText, `varchar(${length})`) } });
          }
          suggestions.push({ desc: 'Use text (add a CHECK on char_length() if the limit is a rule)', fix: { range: [span.base.start, span.base.end] as [number, number], text: matchCase(baseText, 'text') } });
          context.report({
            range: span.range,
            message: MESSAGE,
            detail: DETAIL,
            data: {
              column: declared.column,
              written: text.slice(span.range.start, span.range.end).replace(/\s+/g, ' '),
              meaning: length !== undefined ? `character(${length}), blank-padded` : 'bpchar, blank-padded, no length limit',
              instead: length !== undefined ? `text or varchar(${length})` : 'text',
              insteadInDetail: length !== undefined ? `text (with a CHECK on char_length() if the limit matters) or varchar(${length})` : 'text',
            },
            suggestions,
          });
        }
      },
    };
  },
});
