import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

/** Where migration tools keep migrations; used when the config has no migrations.include. */
export const DEFAULT_MIGRATION_GLOBS: readonly string[] = Object.freeze([
  // `.psql` too: psql scripts (the extension editors associate with SQL) kept with the migrations.
  '**/migrations/**/*.{sql,psql}', // generic, knex, sqlx, golang-migrate, diesel's */up.sql and */down.sql
  '**/migrate/**/*.{sql,psql}', // Rails db/migrate, dbmate
  '**/db/migrate/**/*.{sql,psql}',
  '**/migration/**/*.{sql,psql}',
  '**/schema_migrations/**/*.{sql,psql}',
  '**/prisma/migrations/*/migration.sql',
  '**/supabase/migrations/*.sql',
  // Flyway's exact names, wherever they live: versioned `V<version>__<description>.sql` and undo
  // `U<version>__...` (a version is digits, parts separated by `.` or `_`), repeatable
  // `R__<description>.sql`. Nothing looser: `Views__x.sql` or `V__x.sql` is not Flyway's.
  '**/[VU]+([0-9])*([._]+([0-9]))__?*.sql',
  '**/R__?*.sql',
]);

/** Never linted, whatever the config says. */
export const DEFAULT_IGNORE_GLOBS: readonly string[] = Object.freeze(['**/node_modules/**', '**/.git/**']);

/** `./x` means `x`; a trailing slash means everything below the directory. */
export function normalizeGlob(glob: string): string {
  let out = glob.replace(/\\/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  if (out.endsWith('/')) out += '**';
  return out;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Tests paths (absolute, or relative to the process cwd) against globs relative to `dir`.
 * A path outside `dir` (possible with an explicit --config) is matched by its absolute path
 * without the root, so `**`-prefixed globs still apply to it.
 */
export function createPathMatcher(globs: readonly string[], dir: string): (filePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const matches = picomatch(globs.map(normalizeGlob), { dot: true });
  return (filePath) => {
    const absolute = resolve(filePath);
    const rel = relative(dir, absolute);
    const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    if (rel !== '' && !outside) return matches(toPosix(rel));
    return matches(toPosix(absolute).replace(/^(?:[A-Za-z]:)?\/+/, ''));
  };
}
