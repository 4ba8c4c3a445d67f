/**
 * Text put into messages and reports. JavaScript strings are UTF-16: cutting one at an arbitrary
 * index can split a surrogate pair (an emoji, a rare CJK character) and leave half of it, which
 * JSON reports then carry as a lone `\ud83d` that consumers reject or mangle.
 */

/**
 * `text` cut to at most `maxLength` UTF-16 units, `ellipsis` included, when it is longer; the cut
 * falls between code points, never inside a surrogate pair.
 */
export function truncateText(text: string, maxLength: number, ellipsis = '…'): string {
  if (text.length <= maxLength) return text;
  let cut = Math.max(0, maxLength - ellipsis.length);
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1)) && isLowSurrogate(text.charCodeAt(cut))) cut--;
  return text.slice(0, cut) + ellipsis;
}

/** Whitespace runs folded to one space, ends trimmed, then cut as `truncateText` does. */
export function excerpt(text: string, maxLength: number, ellipsis = '…'): string {
  return truncateText(text.replace(/\s+/g, ' ').trim(), maxLength, ellipsis);
}

/**
 * `text` with every lone surrogate replaced by U+FFFD (one UTF-16 unit for one, so offsets into
 * the text stay valid). Text from UTF-16 sources (an editor buffer, a `'\ud83d'` escape in SQL
 * embedded in JavaScript) can hold them; well-formed text comes back as the same string.
 */
export function toWellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * `JSON.stringify(value, null, space)` whose strings are all well-formed: JSON.stringify writes a
 * lone surrogate as a `\udXXX` escape, which a parser reads back as the same broken string.
 */
export function stringifyWellFormed(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  // Lone surrogates are the only characters at or above U+D800 that JSON.stringify escapes (in
  // lower case). A plain substring search rules them out in a fraction of the regex's time over a
  // report of many megabytes.
  if (!json.includes('\\ud') || !/\\ud[89a-f]/.test(json)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? toWellFormed(v) : v), space);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
