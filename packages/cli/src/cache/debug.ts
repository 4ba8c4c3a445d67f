/**
 * `DEBUG=sqlwarden:cache` (or `sqlwarden:*`, `*`): one stderr line per decision, e.g.
 * `sqlwarden:cache hit /repo/db/001.sql`. Off otherwise.
 */
export function debugLogger(env: Record<string, string | undefined>, namespace: string, write: (text: string) => unknown): (line: string) => void {
  const wanted = (env.DEBUG ?? '')
    .split(/[\s,]+/)
    .some((pattern) => pattern === '*' || pattern === 'sqlwarden:*' || pattern === `sqlwarden:${namespace}`);
  if (!wanted) return () => {};
  return (line) => write(`sqlwarden:${namespace} ${line}\n`);
}
