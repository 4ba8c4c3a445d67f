/**
 * Rough lexing for mutation and minimisation: good enough to cut SQL at statement and token
 * boundaries most of the time. It does not need to be right — a wrong cut is one more mutation.
 */

const TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|\$[A-Za-z_]*\$|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|::|<>|!=|<=|>=|\|\||[\s\S]/g;

export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Statements, each with its `;` and the whitespace after it; concatenated they give `text` back. */
export function statements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let dollar: string | undefined;
  const toks = tokens(text);
  let offset = 0;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    offset += tok.length;
    if (tok.startsWith('$') && tok.endsWith('$') && tok.length >= 2) {
      if (dollar === undefined) dollar = tok;
      else if (dollar === tok) dollar = undefined;
      continue;
    }
    if (tok === ';' && dollar === undefined) {
      // Keep the trailing whitespace with this statement.
      while (i + 1 < toks.length && /^\s+$/.test(toks[i + 1]!)) offset += toks[++i]!.length;
      out.push(text.slice(start, offset));
      start = offset;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Identifiers (unquoted words that are not obviously keywords) of a text, for name collisions. */
const KEYWORDS = new Set(
  'select from where and or not null create table index alter add drop column constraint primary key foreign references unique check default on to as in is into values insert update delete set begin commit rollback if exists cascade restrict schema view with returning join left right inner outer using group by order having limit offset case when then else end true false int integer text varchar bigint serial bigserial timestamp boolean concurrently rename type owner grant revoke function returns language trigger sequence'.split(
    ' ',
  ),
);

export function identifiers(text: string): string[] {
  const seen = new Set<string>();
  for (const tok of tokens(text)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(tok) && !KEYWORDS.has(tok.toLowerCase())) seen.add(tok);
    if (seen.size > 200) break;
  }
  return [...seen];
}
