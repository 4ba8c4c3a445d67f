/**
 * Locates the first JSON syntax error with a plain-words reason. `JSON.parse` decides
 * validity; this only runs after it failed, because V8's messages do not always carry a
 * position and never say "trailing comma" or "comments are not allowed".
 */
export interface JsonSyntaxError {
  offset: number;
  reason: string;
}

/**
 * Offset of the first `[` or `{` that opens a level deeper than `limit`, or undefined. Scans
 * the text without parsing it (iteratively; strings are skipped), so it works on invalid JSON
 * too and runs before anything that recurses over the value.
 */
export function findExcessiveNesting(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text.charCodeAt(pos);
    if (ch === 0x22 /* " */) {
      for (pos++; pos < text.length; pos++) {
        const inner = text.charCodeAt(pos);
        if (inner === 0x5c /* \ */) pos++;
        else if (inner === 0x22 || inner === 0x0a) break;
      }
    } else if (ch === 0x5b /* [ */ || ch === 0x7b /* { */) {
      if (++depth > limit) return pos;
    } else if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

export function findJsonSyntaxError(text: string): JsonSyntaxError {
  let pos = 0;
  let lastComma = 0;

  const fail = (reason: string, at = pos): never => {
    throw { offset: at, reason } satisfies JsonSyntaxError;
  };
  const describe = (at: number): string => {
    if (at >= text.length) return 'unexpected end of file';
    const ch = text[at]!;
    if (text.startsWith('//', at) || text.startsWith('/*', at)) return 'comments are not allowed in JSON';
    if (ch === "'") return 'strings must use double quotes';
    return `unexpected character ${JSON.stringify(ch)}`;
  };
  const skipWhitespace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };

  const parseString = () => {
    const start = pos;
    pos++;
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const ch = text[pos]!;
      if (ch === '"') {
        pos++;
        return;
      }
      if (ch === '\n' || ch === '\r') fail('unterminated string (line break inside a string)', start);
      if (ch < ' ') fail('control character inside a string');
      if (ch === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape');
          pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail('invalid escape in string');
        pos += 2;
        continue;
      }
      pos++;
    }
  };

  const parseNumber = () => {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = pos;
    const found = match.exec(text);
    if (!found || found[0] === '-' || found[0] === '') fail('invalid number');
    pos += found![0].length;
    if (pos < text.length && /[\w.]/.test(text[pos]!)) fail('invalid number');
  };

  const parseValue = (): void => {
    skipWhitespace();
    const ch = text[pos];
    if (ch === '{') return parseObject();
    if (ch === '[') return parseArray();
    if (ch === '"') return parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return parseNumber();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return;
      }
    }
    fail(describe(pos) === 'unexpected end of file' ? 'unexpected end of file, expected a value' : `${describe(pos)}, expected a value`);
  };

  const parseObject = () => {
    pos++;
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] !== '"') {
        if (text[pos] === '}') fail('trailing comma is not allowed in JSON', lastComma);
        fail(`${describe(pos)}, expected a property name in double quotes`);
      }
      parseString();
      skipWhitespace();
      if (text[pos] !== ':') fail(`${describe(pos)}, expected ':' after property name`);
      pos++;
      parseValue();
      skipWhitespace();
      if (text[pos] === ',') {
        lastComma = pos;
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      fail(`${describe(pos)}, expected ',' or '}' after property value`);
    }
  };

  const parseArray = () => {
    pos++;
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] === ']') fail('trailing comma is not allowed in JSON', lastComma);
      parseValue();
      skipWhitespace();
      if (text[pos] === ',') {
        lastComma = pos;
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail(`${describe(pos)}, expected ',' or ']' after array element`);
    }
  };

  try {
    parseValue();
    skipWhitespace();
    if (pos < text.length) fail(`${describe(pos)} after the end of the JSON value`);
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'reason' in error) return error as JsonSyntaxError;
    throw error;
  }
  // JSON.parse rejected something this scanner accepts; point at the start rather than guess.
  return { offset: 0, reason: 'invalid JSON' };
}

/** 1-based line and column (UTF-16 code units) of an offset; lines end at \n, \r\n or \r. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - lineStart + 1 };
}

/**
 * JSON with comments (`//`, `/* *\/`) and trailing commas, as strict JSON of the same length: each
 * comment and trailing comma becomes spaces (line breaks kept), so offsets, lines and columns stay
 * those of the original text. Text inside strings is left alone; an unterminated comment or
 * string is left for the JSON parser to report.
 */
export function blankJsoncExtras(text: string): string {
  const out = text.split('');
  let i = 0;
  /** Position of the last comma outside strings and comments, while only blanks and comments follow it. */
  let pendingComma = -1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      pendingComma = -1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      for (; i < text.length && text[i] !== '\n' && text[i] !== '\r'; i++) out[i] = ' ';
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return out.join('');
      for (; i < end + 2; i++) if (text[i] !== '\n' && text[i] !== '\r') out[i] = ' ';
      continue;
    }
    if (ch === ',') pendingComma = i;
    else if ((ch === '}' || ch === ']') && pendingComma >= 0) {
      out[pendingComma] = ' ';
      pendingComma = -1;
    } else if (!/\s/.test(ch)) pendingComma = -1;
    i++;
  }
  return out.join('');
}
