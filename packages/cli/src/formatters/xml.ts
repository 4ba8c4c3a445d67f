/**
 * XML 1.0 escaping for the junit and checkstyle formatters.
 *
 * XML 1.0 cannot carry most C0 control characters, lone surrogates, U+FFFE or U+FFFF at all, not
 * even as character references, so they are replaced by a visible `\uXXXX` escape (the text stays
 * readable and the document stays well-formed). Tab, LF and CR are legal: in attributes they are
 * written as character references, because a parser normalizes literal ones to spaces; in text a
 * CR is written as `&#13;` for the same reason.
 */

// With the u flag a surrogate pair is one code point, so the surrogate range matches lone ones only.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

function visible(text: string): string {
  return text.replace(NOT_XML_CHAR, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Escapes character data (element content). */
export function xmlText(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escapes an attribute value written between double quotes. */
export function xmlAttr(value: string | number): string {
  return xmlText(String(value)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
