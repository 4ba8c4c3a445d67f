/**
 * What psql itself does with a script before the server sees any of it: backslash meta-commands
 * and their arguments, `\if` branches, `\set` variables. Mirrors psql's own scanner
 * (psqlscanslash.l) and command loop (mainloop.c, command.c) closely enough to know, for every
 * character of a file, whether psql sends it to the server.
 *
 * - A meta-command starts at an unquoted backslash in SQL text (at the start of a line or after
 *   SQL on the same line). Its name runs to whitespace or the next backslash. Its arguments end
 *   at the end of the line or at an unquoted backslash: `\\` there is eaten and SQL resumes on the
 *   line (`select \if false \\ 1 \else \\ 2 \endif \\ as x;`), any other backslash starts the
 *   next meta-command. A few commands take the whole rest of the line (`\!`, `\copy`, `\ef`,
 *   `\sf`, `\h` ...) and `\g`, `\o`, `\w` do so after `|` (a pipe). An unknown command makes
 *   psql drop the rest of the line.
 * - `\if` / `\elif` are evaluated when their value is known here: a literal boolean (psql accepts
 *   unique prefixes of true/false/yes/no, on/off, 1/0; anything else is false), or variables set
 *   with `\set` earlier in the file, or `:{?name}` for them. A condition that depends on what is
 *   not known from the file alone (a variable from `\gset`, `\prompt`, `\getenv`, or never set
 *   here, so possibly given with `psql -v`; a backtick command) is taken as TRUE: the first
 *   branch that may be taken is the one linted, later branches of that `\if` are not.
 * - Not followed: `\q` (a script that quits early, as in `\if :skip_test \quit \endif`, is still
 *   linted to its end), `\i` / `\ir` (included files are linted on their own), and the values
 *   that `\gset` gives (only that it may have set variables).
 */

/** How psql reads a command's arguments. */
const enum Args {
  /** Space-separated options, each possibly quoted; stop at an unquoted backslash. */
  Normal,
  /** The rest of the line, backslashes included. */
  WholeLine,
  /** Like Normal, but an option starting with `|` takes the rest of the line. */
  FilePipe,
}

const WHOLE_LINE = new Set(['!', 'copy', 'ef', 'ev', 'sf', 'sf+', 'sv', 'sv+', 'h', 'help']);
const FILE_PIPE = new Set(['g', 'gx', 'o', 'out', 'w', 'write']);
/** psql's commands (PostgreSQL 12 to 18); `\d...` and `\lo_...` are families. Case matters (`\C` vs `\c`). */
const KNOWN = new Set([
  ...WHOLE_LINE,
  ...FILE_PIPE,
  ...'a bind bind_named C c connect cd close close_prepared conninfo copyright crosstabview e edit echo elif else endif encoding endpipeline errverbose f flush flushrequest gdesc getenv getresults gexec gset H html i include if ir include_relative l list l+ list+ p print parse password prompt pset q quit qecho r reset restrict unrestrict s sendpipeline set setenv startpipeline syncpipeline t T timing unset warn watch x z z+ ?'.split(
    ' ',
  ),
]);

/** Commands that send the query buffer to the server, which ends the statement. */
export const SENDS_BUFFER = new Set(['g', 'gx', 'gset', 'gexec', 'gdesc', 'watch', 'crosstabview', 'sendpipeline', 'parse']);

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const FF = 0x0c;
const VT = 0x0b;
const BACKSLASH = 0x5c;
const QUOTE = 0x27;
const DQUOTE = 0x22;
const BACKTICK = 0x60;
const COLON = 0x3a;
const PIPE = 0x7c;

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === FF || c === VT || c === CR;
}

/** psql's variable_char: ASCII letters, digits, `_` and any non-ASCII character. */
function isVariableChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
}

/**
 * psql's ParseVariableBool, which is also the server's parse_bool: unique prefixes of true, false,
 * yes, no; on, off (at least two letters); 1 and 0. Case-insensitive. `undefined` when invalid.
 */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  const n = v.length;
  if (n === 0) return undefined;
  if ('true'.startsWith(v)) return true;
  if ('false'.startsWith(v)) return false;
  if ('yes'.startsWith(v)) return true;
  if ('no'.startsWith(v)) return false;
  if (n >= 2 && 'on'.startsWith(v)) return true;
  if (n >= 2 && 'off'.startsWith(v)) return false;
  if (v === '1') return true;
  if (v === '0') return false;
  return undefined;
}

/** psql's own variables: always defined (values depend on the connection and settings). */
const BUILTIN_VARIABLES = new Set(
  'AUTOCOMMIT COMP_KEYWORD_CASE DBNAME ECHO ECHO_HIDDEN ENCODING ERROR FETCH_COUNT HIDE_TABLEAM HIDE_TOAST_COMPRESSION HISTCONTROL HISTSIZE HOST IGNOREEOF LAST_ERROR_MESSAGE LAST_ERROR_SQLSTATE ON_ERROR_ROLLBACK ON_ERROR_STOP PORT PROMPT1 PROMPT2 PROMPT3 QUIET ROW_COUNT SERVER_VERSION_NAME SERVER_VERSION_NUM SHELL_ERROR SHELL_EXIT_CODE SHOW_ALL_RESULTS SHOW_CONTEXT SINGLELINE SINGLESTEP SQLSTATE USER VERBOSITY VERSION VERSION_NAME VERSION_NUM WATCH_INTERVAL'.split(
    ' ',
  ),
);

/** What the file tells about one psql variable. `value: null` means defined with a value not known here. */
export type VariableState = { defined: true; value: string | null } | { defined: false } | { defined: null };

/**
 * psql variables as far as the file itself defines them. `\set` and `\unset` are exact; `\gset`
 * (with its prefix), `\prompt` and `\getenv` define variables whose values, or names, only the run
 * knows. A name the file never set may still come from `psql -v` or a psqlrc, so it is unknown
 * (`defined: null`), not undefined.
 */
export class PsqlVariables {
  readonly #vars = new Map<string, VariableState>();

  get(name: string): VariableState {
    const known = this.#vars.get(name);
    if (known !== undefined) return known;
    if (BUILTIN_VARIABLES.has(name)) return { defined: true, value: null };
    return { defined: null };
  }

  set(name: string, value: string | null): void {
    this.#vars.set(name, { defined: true, value });
  }

  unset(name: string): void {
    this.#vars.set(name, { defined: false });
  }

  /** `\gset [prefix]`: every variable with that prefix may have been set (or unset, for NULLs). */
  gset(prefix: string | null): void {
    for (const name of [...this.#vars.keys()]) {
      if (prefix === null || name.startsWith(prefix)) this.#vars.delete(name);
    }
  }
}

export interface MetaArgument {
  start: number;
  end: number;
  /** The option as psql would read it (quotes processed, variables substituted); null when that depends on the run. */
  value: string | null;
}

export interface MetaCommand {
  /** The backslash. */
  start: number;
  /** The command as psql runs it (after its one-letter fallback: `\x;` is `\x` with argument `;`). */
  name: string;
  /** psql does not know the command: it reports it and drops the rest of the line. */
  unknown: boolean;
  args: MetaArgument[];
  /** Just past the command, its arguments and a trailing `\\` if there is one. */
  end: number;
}

function argsOf(name: string): Args {
  if (WHOLE_LINE.has(name)) return Args.WholeLine;
  if (FILE_PIPE.has(name)) return Args.FilePipe;
  return Args.Normal;
}

function isKnown(name: string): boolean {
  return KNOWN.has(name) || name.startsWith('d') || name.startsWith('lo_');
}

/**
 * Read the meta-command whose backslash is at `at` (never `\;` or `\:`, which are SQL). `vars`
 * substitutes variables in the arguments; without it values stay as written. `lineEnd`, when the
 * caller knows it, spares a scan of a long line for each of many commands on it.
 */
export function scanMetaCommand(text: string, at: number, vars?: PsqlVariables, lineEnd?: number): MetaCommand {
  const eol = lineEnd ?? lineEndFrom(text, at);
  let i = at + 1;
  while (i < eol && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== BACKSLASH) i++;
  let name = text.slice(at + 1, i);
  let argsFrom = i;
  let unknown = false;
  if (!isKnown(name)) {
    // psql's fallback: a one-letter command with its argument glued on (`\x;`, `\gfile`).
    const letter = name.charAt(0);
    if (name.length > 1 && isKnown(letter)) {
      name = letter;
      argsFrom = at + 2;
    } else {
      unknown = true;
    }
  }
  const kind = unknown ? Args.WholeLine : argsOf(name);
  const args: MetaArgument[] = [];
  i = argsFrom;
  for (;;) {
    while (i < eol && isSpace(text.charCodeAt(i))) i++;
    if (i >= eol) break;
    const c = text.charCodeAt(i);
    if (kind === Args.WholeLine || (kind === Args.FilePipe && c === PIPE)) {
      let end = eol;
      while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
      args.push({ start: i, end, value: text.slice(i, end) });
      i = eol;
      break;
    }
    if (c === BACKSLASH) break;
    const arg = scanOption(text, i, eol, vars);
    args.push(arg);
    i = arg.end;
  }
  // A trailing `\\` ends the command and lets SQL continue on the line.
  if (i + 1 < eol && text.charCodeAt(i) === BACKSLASH && text.charCodeAt(i + 1) === BACKSLASH) i += 2;
  return { start: at, name, unknown, args, end: i };
}

/** One option in psql's default mode: runs to unquoted whitespace or backslash. */
function scanOption(text: string, start: number, eol: number, vars: PsqlVariables | undefined): MetaArgument {
  let value: string | null = '';
  const add = (s: string | null): void => {
    value = value === null || s === null ? null : value + s;
  };
  let i = start;
  while (i < eol) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === BACKSLASH) break;
    if (c === COLON && vars !== undefined) {
      const ref = variableReference(text, i, eol);
      if (ref !== null) {
        add(substitute(ref, vars, text.slice(i, ref.end)));
        i = ref.end;
        continue;
      }
    }
    if (c === QUOTE) {
      // Single quotes: '' and backslash escapes (\n, \t, \041, \x21, \<any>).
      let s = '';
      i++;
      while (i < eol) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) {
          if (i + 1 < eol && text.charCodeAt(i + 1) === QUOTE) {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === BACKSLASH && i + 1 < eol) {
          const e = unescape(text, i + 1, eol);
          s += e.char;
          i = e.end;
          continue;
        }
        s += text.charAt(i);
        i++;
      }
      add(s);
      continue;
    }
    if (c === DQUOTE || c === BACKTICK) {
      let j = i + 1;
      while (j < eol && text.charCodeAt(j) !== c) j++;
      j = Math.min(j + 1, eol);
      // Double quotes are kept as written; a backtick runs a shell command.
      add(c === DQUOTE ? text.slice(i, j) : null);
      i = j;
      continue;
    }
    add(text.charAt(i));
    i++;
  }
  return { start, end: i, value };
}

function unescape(text: string, i: number, eol: number): { char: string; end: number } {
  const c = text.charAt(i);
  const simple: Record<string, string> = { n: '\n', t: '\t', b: '\b', r: '\r', f: '\f' };
  if (c in simple) return { char: simple[c]!, end: i + 1 };
  const octal = /^[0-7]{1,3}/.exec(text.slice(i, Math.min(eol, i + 3)));
  if (octal) return { char: String.fromCharCode(parseInt(octal[0], 8)), end: i + octal[0].length };
  const hex = /^x([0-9A-Fa-f]{1,2})/.exec(text.slice(i, Math.min(eol, i + 3)));
  if (hex) return { char: String.fromCharCode(parseInt(hex[1]!, 16)), end: i + hex[0].length };
  return { char: c, end: i + 1 };
}

export interface VariableReference {
  /** `:name`, `:'name'` (as a literal), `:"name"` (as an identifier) or `:{?name}` (is it defined). */
  style: 'plain' | 'literal' | 'identifier' | 'defined';
  name: string;
  end: number;
}

/** A psql variable reference starting at the colon at `i`, or null. */
export function variableReference(text: string, i: number, limit = text.length): VariableReference | null {
  const next = i + 1 < limit ? text.charCodeAt(i + 1) : -1;
  if (isVariableChar(next)) {
    let j = i + 2;
    while (j < limit && isVariableChar(text.charCodeAt(j))) j++;
    return { style: 'plain', name: text.slice(i + 1, j), end: j };
  }
  const wrapped = (open: string, close: string, style: VariableReference['style']): VariableReference | null => {
    if (!text.startsWith(open, i + 1)) return null;
    const from = i + 1 + open.length;
    let j = from;
    while (j < limit && isVariableChar(text.charCodeAt(j))) j++;
    if (j === from || !text.startsWith(close, j) || j + close.length > limit) return null;
    return { style, name: text.slice(from, j), end: j + close.length };
  };
  return wrapped("'", "'", 'literal') ?? wrapped('"', '"', 'identifier') ?? wrapped('{?', '}', 'defined');
}

/** What psql puts in place of a reference in a meta-command's argument; null when it depends on the run. */
function substitute(ref: VariableReference, vars: PsqlVariables, written: string): string | null {
  const state = vars.get(ref.name);
  if (ref.style === 'defined') return state.defined === null ? null : state.defined ? 'TRUE' : 'FALSE';
  if (state.defined === null) return null;
  if (!state.defined) return written; // psql leaves an unset variable as written
  if (state.value === null) return null;
  if (ref.style === 'literal') return `'${state.value.replace(/'/g, "''")}'`;
  if (ref.style === 'identifier') return `"${state.value.replace(/"/g, '""')}"`;
  return state.value;
}

/** The value of `\if` / `\elif` arguments: true, false, or null when only the run can tell. */
export function evaluateCondition(args: MetaArgument[]): boolean | null {
  const parts: string[] = [];
  for (const arg of args) {
    if (arg.value === null) return null;
    parts.push(arg.value);
  }
  // psql joins the options with single spaces; anything but a boolean is false (with a warning).
  return parseBoolean(parts.join(' ')) ?? false;
}

const enum Branch {
  /** This branch runs. */
  True,
  /** No branch has run yet; this one does not. */
  False,
  /** A branch already ran, or the whole `\if` is inside a skipped branch. */
  Ignored,
  ElseTrue,
  ElseFalse,
}

/** psql's conditional stack (fe_utils/conditional.c) with the transitions of command.c. */
export class Conditionals {
  readonly #stack: Branch[] = [];

  /** Whether text at this point is sent (or, for meta-commands, run). */
  get active(): boolean {
    const top = this.#stack[this.#stack.length - 1];
    return top === undefined || top === Branch.True || top === Branch.ElseTrue;
  }

  /** Whether the next `\if` (or `\elif`) expression would be evaluated, so needs its value. */
  evaluates(command: 'if' | 'elif'): boolean {
    if (command === 'if') return this.active;
    return this.#stack[this.#stack.length - 1] === Branch.False;
  }

  /** `value` null: not known here, taken as true (the first branch that may run is the one kept). */
  if(value: boolean | null): void {
    if (!this.active) this.#stack.push(Branch.Ignored);
    else this.#stack.push(value === false ? Branch.False : Branch.True);
  }

  elif(value: boolean | null): void {
    const top = this.#stack.length - 1;
    switch (this.#stack[top]) {
      case Branch.True:
        this.#stack[top] = Branch.Ignored;
        break;
      case Branch.False:
        this.#stack[top] = value === false ? Branch.False : Branch.True;
        break;
      default:
        break; // Ignored stays; after \else or outside \if psql reports an error and changes nothing
    }
  }

  else(): void {
    const top = this.#stack.length - 1;
    switch (this.#stack[top]) {
      case Branch.True:
      case Branch.Ignored:
        this.#stack[top] = Branch.ElseFalse;
        break;
      case Branch.False:
        this.#stack[top] = Branch.ElseTrue;
        break;
      default:
        break;
    }
  }

  endif(): void {
    this.#stack.pop();
  }
}

function lineEndFrom(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
    i++;
  }
  return n;
}
