/**
 * A keyword-level test of whether a statement can change the schema catalog, so that replaying a
 * history to catch up (a worker thread before its share of files, a `--cache` run before its first
 * changed file) can leave unparsed the statements the catalog ignores. In real migration histories
 * most of the text is data (INSERT, UPDATE, DELETE, COPY): about 60% of the bytes of the
 * pg-migrations corpus.
 *
 * Only the statement's first word decides, and only for words whose statements the catalog never
 * replays (see Catalog.apply: CREATE TABLE/INDEX/VIEW, ALTER TABLE, DROP, SELECT INTO). A segment
 * that holds a `;` before its end is parsed anyway: the parser may find more than one statement
 * where the splitter found one, and the second could be DDL.
 */
const NO_SCHEMA_CHANGE = new Set([
  'insert',
  'update',
  'delete',
  'copy',
  'values',
  'truncate',
  'grant',
  'revoke',
  'comment',
  'analyze',
  'analyse',
  'vacuum',
  'notify',
  'listen',
  'unlisten',
  'call',
  'lock',
  'refresh',
  'cluster',
  'reindex',
  'discard',
  'checkpoint',
]);

/** Whether the statement text in `[start, end)` of `text` certainly leaves the schema as it is. */
export function leavesSchemaUnchanged(text: string, start: number, end: number): boolean {
  const wordStart = skipSpaceAndComments(text, start, end);
  let i = wordStart;
  while (i < end && isLetter(text.charCodeAt(i))) i++;
  if (i === wordStart || i - wordStart > 10) return false;
  if (!NO_SCHEMA_CHANGE.has(text.slice(wordStart, i).toLowerCase())) return false;
  const semicolon = text.indexOf(';', i);
  return semicolon === -1 || semicolon >= end - 1 || text.slice(semicolon + 1, end).trim() === '';
}

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function skipSpaceAndComments(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) i++;
    else if (code === 45 && text.charCodeAt(i + 1) === 45) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? end : newline + 1;
    } else if (code === 47 && text.charCodeAt(i + 1) === 42) {
      // Nested block comments, as PostgreSQL reads them.
      let depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return i;
}
