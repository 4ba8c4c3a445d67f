/** The longest a headline should be: what fits the Problems panel, a CI annotation and 2 terminal rows. */
export const HEADLINE_MAX_LENGTH = 140;

type Data = Readonly<Record<string, string | number>> | undefined;

/** Fills `{{name}}` placeholders from `data`; unknown names stay as written. */
export function fillTemplate(template: string, data: Data): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (data && k in data ? String(data[k]) : m));
}

/** Placeholder value lengths tried in turn until a headline fits HEADLINE_MAX_LENGTH. */
const HEADLINE_VALUE_LIMITS = [48, 36, 28, 20];

/**
 * A report's headline: its template filled in on one line, with long placeholder values (a
 * generated 63-byte name, a list of columns) shortened, more when the headline would still be
 * longer than HEADLINE_MAX_LENGTH, so that the problem and the remedy written around them stay
 * visible.
 */
export function fillHeadline(template: string, data: Data): string {
  const oneLineTemplate = template.replace(/\s*\n\s*/g, ' ');
  let headline = oneLineTemplate;
  for (const limit of HEADLINE_VALUE_LIMITS) {
    headline = oneLineTemplate.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (data && k in data ? shorten(String(data[k]), limit) : m));
    if (headline.length <= HEADLINE_MAX_LENGTH) break;
  }
  return headline;
}

function shorten(value: string, limit: number): string {
  const oneLine = value.replace(/\s*\n\s*/g, ' ');
  if (oneLine.length <= limit) return oneLine;
  let end = limit - 1;
  // Never half of a surrogate pair (an emoji in a name): the headline must stay well-formed.
  if (/[\uD800-\uDBFF]/.test(oneLine.charAt(end - 1))) end--;
  return `${oneLine.slice(0, end)}…`;
}

/**
 * Why a fix or suggestion title is not one a user can read at a glance, or undefined: titles are
 * imperative phrases on one line, without backticks or a final period, at most 80 characters.
 */
export function titleProblem(title: string): string | undefined {
  if (title.trim() === '') return 'is empty';
  if (/\n/.test(title)) return 'spans several lines';
  if (title.includes('`')) return 'contains backticks';
  if (/[.:;]$/.test(title)) return 'ends with punctuation';
  if (title.length > 80) return `is ${title.length} characters long (at most 80)`;
  return undefined;
}

/**
 * A headline or detail, written as plain text in which `backticks` mark code, as Markdown (SARIF's
 * `message.markdown`, an editor's hover): code spans stay code, every other character Markdown
 * would read as markup (`*` of `SELECT *`, `_`, `<`, `[`...) is escaped, and line breaks stay line
 * breaks (a blank line starts a paragraph).
 */
export function messageMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n[ \t]*\n\s*/)
    .map((paragraph) => paragraph.split('\n').map(markdownLine).join('  \n'))
    .join('\n\n');
}

function markdownLine(line: string): string {
  let out = '';
  let cursor = 0;
  for (const code of line.matchAll(/`[^`]+`/g)) {
    out += escapeMarkdown(line.slice(cursor, code.index)) + code[0];
    cursor = code.index + code[0].length;
  }
  return out + escapeMarkdown(line.slice(cursor));
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#&]/g, '\\$&');
}
