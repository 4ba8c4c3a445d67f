import { UsageError } from '../errors.ts';

/**
 * Where `trace --database-url` connects, spelled out field by field. The connection is made
 * from exactly these fields (never from PG* environment variables), so what the safety check
 * looked at is what gets touched.
 */
export interface DatabaseTarget {
  /** A host name or address, or a directory holding the server's unix socket (starts with `/`). */
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  /** libpq `sslmode`; `disable`/`allow`/`prefer` connect without TLS. */
  sslmode?: string;
  /** libpq `options`, e.g. `-c search_path=app`. */
  options?: string;
  applicationName?: string;
}

const SUPPORTED_PARAMS = new Set(['host', 'hostaddr', 'port', 'user', 'password', 'dbname', 'sslmode', 'options', 'application_name']);

/**
 * libpq's other connection keywords (PostgreSQL 18). An unsupported one is named in the error; any
 * other name is not, since it may be a piece of a password (`?password=ab&cd`, an unquoted value).
 */
const LIBPQ_KEYWORDS = new Set([
  'passfile', 'require_auth', 'channel_binding', 'connect_timeout', 'client_encoding', 'fallback_application_name',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout', 'replication',
  'gssencmode', 'requiressl', 'sslnegotiation', 'sslcompression', 'sslcert', 'sslkey', 'sslkeylogfile', 'sslpassword',
  'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer', 'ssl_min_protocol_version',
  'ssl_max_protocol_version', 'min_protocol_version', 'max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation',
  'service', 'target_session_attrs', 'load_balance_hosts', 'oauth_issuer', 'oauth_client_id', 'oauth_client_secret', 'oauth_scope',
]);

/** Errors never quote the URL, nor a piece of it that may come from its user info: the password. */
const NOT_SHOWN = '(not shown: it may be part of a password)';

/** Parses a `postgres://` / `postgresql://` URL or a libpq `key=value` string. Throws UsageError. */
export function parseDatabaseUrl(input: string): DatabaseTarget {
  const text = input.trim();
  if (text === '') throw new UsageError('--database-url is empty.');
  const params = /^postgres(ql)?:\/\//i.test(text) ? urlParams(text) : keywordParams(text);
  for (const key of Object.keys(params)) {
    if (SUPPORTED_PARAMS.has(key)) continue;
    if (!LIBPQ_KEYWORDS.has(key)) throw new UsageError(`--database-url: a parameter name is not a libpq keyword ${NOT_SHOWN}; percent-encode '&' and '#' inside values.`);
    throw new UsageError(`--database-url: unsupported connection parameter "${key}" (supported: ${[...SUPPORTED_PARAMS].join(', ')}).`);
  }
  const database = params.dbname;
  if (!database) throw new UsageError('--database-url must name the database, e.g. postgresql://localhost/myapp_test.');
  const host = params.hostaddr || params.host || 'localhost';
  if (host.includes(',')) throw new UsageError('--database-url: name one host; lists of hosts are not supported.');
  const port = params.port ? Number(params.port) : 5432;
  // Not quoted: in `postgresql://user:secret/db` (no `@`) the "port" is the password.
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`--database-url: the port is not a number from 1 to 65535 ${NOT_SHOWN}.`);
  const target: DatabaseTarget = { host, port, database };
  if (params.user) target.user = params.user;
  if (params.password !== undefined) target.password = params.password;
  if (params.sslmode) target.sslmode = params.sslmode;
  if (params.options) target.options = params.options;
  if (params.application_name) target.applicationName = params.application_name;
  return target;
}

function urlParams(text: string): Record<string, string> {
  // WHATWG URL rejects a percent-encoded socket directory as a host (`postgresql://%2Ftmp/db`),
  // so the authority is split by hand; only the query string goes through URLSearchParams.
  const match = /^postgres(?:ql)?:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(text);
  if (!match) throw new UsageError('--database-url is not a valid postgresql:// URL.');
  const [, authority = '', pathPart = '', query = ''] = match;
  // An `@` after the authority means a password with an unencoded `/`, `?` or `#` (or an `@` in
  // the path or query): the authority above then ends inside the password, and its pieces would
  // pass for host, port, database or parameters, and be quoted in errors.
  if (text.lastIndexOf('@') >= text.indexOf('://') + 3 + authority.length) {
    throw new UsageError("--database-url: an '@' follows a '/', '?' or '#'; percent-encode those in the password (%2F, %3F, %23) and any other '@' (%40).");
  }
  const params: Record<string, string> = {};
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const colon = userInfo.indexOf(':');
    const user = colon >= 0 ? userInfo.slice(0, colon) : userInfo;
    if (user) params.user = decode(user, 'the user name');
    if (colon >= 0) params.password = decode(userInfo.slice(colon + 1), 'the password');
  }
  if (hostPort) {
    let host = hostPort;
    let port: string | undefined;
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0) throw new UsageError('--database-url: unterminated [IPv6] host.');
      port = host.slice(close + 1).replace(/^:/, '') || undefined;
      host = host.slice(1, close);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0) {
        port = host.slice(colon + 1) || undefined;
        host = host.slice(0, colon);
      }
    }
    if (host) params.host = decode(host, 'the host');
    if (port) params.port = port;
  }
  const db = pathPart.replace(/^\//, '');
  if (db) params.dbname = decode(db, 'the database name');
  for (const [key, value] of new URLSearchParams(query.replace(/^\?/, ''))) params[key] = value;
  return params;
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`--database-url: ${what} has an invalid percent-encoding ${NOT_SHOWN}; write '%' itself as %25.`);
  }
}

/** libpq's `host=localhost dbname='my db'` form. */
function keywordParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(i))) break;
      throw new UsageError('--database-url is neither a postgresql:// URL nor "key=value" connection parameters.');
    }
    params[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    i = re.lastIndex;
  }
  return params;
}

const LOCAL_HOSTS = new Set(['localhost', '::1', '0:0:0:0:0:0:0:1']);

export function isLocalHost(host: string): boolean {
  if (host.startsWith('/') || host.startsWith('@')) return true; // unix socket directory / abstract socket
  const h = host.toLowerCase();
  return LOCAL_HOSTS.has(h) || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Words that mark a database as throwaway: `myapp_test`, `ci`, `prisma_shadow`, `scratch2`... */
const DISPOSABLE_WORDS = new Set(['test', 'tests', 'testing', 'tmp', 'temp', 'scratch', 'ci', 'dev', 'disposable', 'shadow', 'throwaway']);

export function looksDisposableName(database: string): boolean {
  const words = database
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  return words.some((w) => DISPOSABLE_WORDS.has(w));
}

/** Why the target does not look like a disposable database; empty when it does. */
export function disposableProblems(target: DatabaseTarget): string[] {
  const problems: string[] = [];
  if (!isLocalHost(target.host)) {
    problems.push(`the host "${target.host}" is not this machine (localhost, 127.0.0.1, ::1 or a unix socket directory)`);
  }
  if (!looksDisposableName(target.database)) {
    problems.push(`the database name "${target.database}" does not say it is disposable (it should contain one of the words ${[...DISPOSABLE_WORDS].join(', ')})`);
  }
  return problems;
}

/** `postgresql://user@host:port/db`, never the password. */
export function describeTarget(target: DatabaseTarget): string {
  const user = target.user ? `${encodeURIComponent(target.user)}${target.password !== undefined ? ':***' : ''}@` : '';
  if (target.host.startsWith('/')) return `postgresql://${user}/${encodeURIComponent(target.database)}?host=${target.host}${target.port !== 5432 ? `&port=${target.port}` : ''}`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `postgresql://${user}${host}${target.port !== 5432 ? `:${target.port}` : ''}/${encodeURIComponent(target.database)}`;
}
