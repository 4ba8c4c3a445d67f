/**
 * The last line of defence for database passwords: whatever the command prints (its own errors,
 * commander's "unknown option '--database-url=...'", a driver's error text, a DEBUG stack) goes
 * through here with every password the command line or environment holds replaced by `***`.
 *
 * The passwords are found without parsing the URL, since malformed URLs are where they leak: in
 * anything with `://`, the user info is everything up to the last `@` (however many `/`, `?` or
 * `#` the password holds), and the password is what follows its first `:`. `password=` values
 * (a URL's query string, libpq's key=value form) and PGPASSWORD, which node-postgres reads, count
 * too; each as written and percent-decoded.
 */

/** Shorter strings are left alone: replacing every `ab` in a report would garble it. */
const MIN_SECRET_LENGTH = 3;

export function connectionSecrets(args: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value === undefined) return;
    for (const form of [value, percentDecoded(value), percentDecoded(value.replace(/\+/g, ' '))]) {
      if (form.length >= MIN_SECRET_LENGTH) secrets.add(form);
    }
  };
  for (const arg of args) {
    const scheme = arg.indexOf('://');
    if (scheme >= 0) {
      const rest = arg.slice(scheme + 3);
      const at = rest.lastIndexOf('@');
      const colon = rest.indexOf(':');
      if (at >= 0 && colon >= 0 && colon < at) add(rest.slice(colon + 1, at));
    }
    for (const match of arg.matchAll(/password\s*=\s*(?:'((?:[^'\\]|\\.)*)'?|([^&#\s]*))/gi)) {
      if (match[1] !== undefined) add(match[1].replace(/\\(.)/g, '$1'));
      if (match[2] !== undefined) add(match[2]);
    }
    // An unquoted key=value password runs to the next space, a query-string one to the next `&`.
    for (const match of arg.matchAll(/password\s*=\s*(\S+)/gi)) add(match[1]);
  }
  add(env.PGPASSWORD);
  // Longest first, so a password containing another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `%XX` runs decoded where they are valid UTF-8, left as they are elsewhere. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

interface Writable {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * `io` with what it writes to stdout and stderr redacted; `io` itself when there is nothing to
 * hide. Bytes pass as they are: they are file contents (`--stdin --fix`), never messages.
 */
export function redactingIO<T extends { stdout: Writable; stderr: Writable }>(io: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return io;
  const wrap = (stream: Writable): Writable => ({
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write: (text) => stream.write(typeof text === 'string' ? redactSecrets(text, secrets) : text),
  });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
