import { clipToBytes, defineRule, MAX_IDENTIFIER_BYTES, utf8ByteLength } from '@sqlwarden/core';
import type { RuleContext } from '@sqlwarden/core';
import { scanTokens } from '../_shared/migration.ts';

// At most 137 characters: a long name is shown shortened to 48 characters in a headline.
const MESSAGE = 'Name `{{name}}` is {{bytes}} bytes{{characters}}, so PostgreSQL truncates it to 63; use a shorter name';

const DETAIL =
  '`{{name}}` is {{bytes}} bytes long in UTF-8{{characters}}. PostgreSQL keeps only the first 63 bytes of a name and uses `{{truncated}}` instead, with nothing but a NOTICE. Names that share those 63 bytes are the same name: creating the second one fails (`already exists`) and a statement meant for one can act on the other, and tools that compare names with what you wrote (schema diffs, ORMs, queries on pg_indexes or information_schema) do not find it. Use a name of at most 63 bytes.';

export default defineRule({
  meta: {
    id: 'no-long-identifier',
    description: 'Disallow identifiers longer than 63 bytes (UTF-8), which PostgreSQL truncates, so that different names written in SQL become one name in the database.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-long-identifier/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'style',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [{ tool: 'squawk', rule: 'identifier-too-long', note: 'squawk reports every occurrence; sqlwarden reports each name once per file, at its first occurrence.' }],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const reported = new Set<string>();
    // One pass over the file first: most files have no candidate at all.
    if (!mayHoldLongName(text)) return {};
    return {
      Statement() {
        const { start, end } = context.statement.range;
        if (!mayHoldLongName(context.statement.text)) return;
        const tokens = scanTokens(text, start, end);
        tokens.forEach((token, k) => {
          // A name is at most as long as its spelling, and a UTF-16 unit is at most 3 bytes.
          if (token.end - token.start <= MAX_IDENTIFIER_BYTES / 3) return;
          let name: string;
          const raw = text.slice(token.start, token.end);
          if (token.kind === 'word') {
            // Unquoted identifiers are folded to lower case; PostgreSQL folds only ASCII letters in UTF-8.
            name = raw.replace(/[A-Z]/g, (c) => c.toLowerCase());
          } else if (token.kind === 'quoted' && raw.endsWith('"') && raw.length >= 2) {
            // U&"..." names hold escapes; their length is not what is written.
            const before = tokens[k - 1];
            if (before?.value === '&' && before.end === token.start && isUnicodePrefix(tokens[k - 2], before.start)) return;
            name = raw.slice(1, -1).replace(/""/g, '"');
          } else return;
          const bytes = utf8ByteLength(name);
          if (bytes <= MAX_IDENTIFIER_BYTES || reported.has(name)) return;
          reported.add(name);
          const truncated = clipToBytes(name, MAX_IDENTIFIER_BYTES);
          const characters = [...name].length;
          // ASCII folding keeps lengths, so the written spelling's prefix is the truncated name.
          const replacement = token.kind === 'word' ? raw.slice(0, truncated.length) : `"${truncated.replace(/"/g, '""')}"`;
          context.report({
            range: { start: token.start, end: token.end },
            message: MESSAGE,
            detail: DETAIL,
            data: { name, bytes, characters: characters !== bytes ? ` (${characters} characters)` : '', truncated },
            suggestions: [{ desc: 'Use the truncated name PostgreSQL stores', fix: { range: [token.start, token.end], text: replacement } }],
          });
        });
      },
    };
  },
});

/**
 * A name over 63 bytes is either quoted or an unquoted word of word characters in a row whose
 * UTF-8 length is over 63 bytes: an ASCII character is one byte, any other UTF-16 unit at most 3
 * (so the run's count below is never less than the bytes of a word in it). Most statements have
 * neither (long words are mostly ASCII), and skipping their scan keeps linting fast.
 */
function mayHoldLongName(sql: string): boolean {
  let runBytes = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 0x22) return true; // "
    // The scanner's word characters: [A-Za-z0-9_$\u0080-\uffff].
    if (c >= 0x80) runBytes += 3;
    else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24) runBytes++;
    else runBytes = 0;
    if (runBytes > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}

function isUnicodePrefix(token: { kind: string; value: string; end: number } | undefined, at: number): boolean {
  return token !== undefined && token.kind === 'word' && token.value === 'u' && token.end === at;
}
