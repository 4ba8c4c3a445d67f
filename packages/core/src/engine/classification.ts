/**
 * Whether a file is a migration, and the one-line notice for runs whose schema changes all sit in
 * files that are not (issue 12, item 1): migration rules skip those files, so without the notice
 * a project whose migrations live in an unconventional folder would get no finding and no hint.
 */
import path from 'node:path';
import type { Statement } from '../model/nodes.ts';
import type { StatementInfo } from '../rule.ts';
import { CONFIG_FILE_NAME } from '../config/load.ts';

/**
 * A directive only a migration tool reads makes a file a migration wherever it lives: goose's
 * `-- +goose Up`, dbmate's `-- migrate:up`, Liquibase's `--liquibase formatted sql` (looked for
 * in the first lines, where the tools require them). Flyway's file names are default globs.
 */
const MIGRATION_DIRECTIVE = /^[ \t]*--[ \t]*(\+goose[ \t]+up\b|migrate:up\b|liquibase[ \t]+formatted[ \t]+sql\b)/im;

export function declaresMigration(text: string): boolean {
  return MIGRATION_DIRECTIVE.test(text.slice(0, 4096));
}

/** How a linted file was classified (`LintFileResult.classification`). Plain data: the CLI caches it. */
export interface FileClassification {
  /** Linted as a migration: `migrations.include` with the default globs, or a migration tool's directive. */
  migration: boolean;
  /** A full-schema snapshot (`migrations.snapshots` or its conventions). */
  snapshot: boolean;
  /** The config file that applies; absent when none was found and the defaults applied. */
  configPath?: string;
  /** The directory the file's migration globs are relative to: the config's, else the file's project root. */
  globsDir: string;
  /** Whether the file changes tables it did not create itself (see `changesExistingTables`). */
  changesTables: boolean;
}

const unqualified = (name: { name: string }): string => name.name.toLowerCase();

/**
 * Whether a statement of the file changes a table (or its indexes and views) that the file does
 * not create itself: ALTER TABLE / INDEX / VIEW, CREATE INDEX, DROP TABLE / INDEX / VIEW, and
 * ALTER TYPE ... VALUE. Those are what the migration rules check; a file that only creates new
 * tables (a schema file, a test setup) or only queries has none. A file's own objects are
 * matched by unqualified name wherever it creates them, so a reset script's
 * `DROP TABLE IF EXISTS t; CREATE TABLE t ...` and a dump's `ALTER TABLE ONLY t ADD CONSTRAINT`
 * do not count. Sequences are left out: dumps alter the ones they create with CREATE SEQUENCE,
 * which the model does not name.
 */
export function changesExistingTables(statements: readonly StatementInfo[]): boolean {
  const created = new Set<string>();
  for (const { node } of statements) {
    if (!node) continue;
    if (node.type === 'CreateTable') created.add(unqualified(node.table));
    else if (node.type === 'CreateView') created.add(unqualified(node.name));
    else if (node.type === 'CreateIndex' && node.name !== undefined) created.add(node.name.toLowerCase());
    else if (node.type === 'Select' && node.into) created.add(unqualified(node.into));
  }
  const existing = (name: { name: string }): boolean => !created.has(unqualified(name));
  return statements.some(({ node }) => node !== undefined && changesExisting(node, existing));
}

function changesExisting(node: Statement, existing: (name: { name: string }) => boolean): boolean {
  switch (node.type) {
    case 'AlterTable':
      return node.objectKind !== 'sequence' && node.objectKind !== 'foreign_table' && existing(node.table);
    case 'CreateIndex':
      return existing(node.table);
    case 'Drop':
      return (node.objectKind === 'table' || node.objectKind === 'index' || node.objectKind === 'view' || node.objectKind === 'materialized_view') && node.names.some(existing);
    case 'AlterEnum':
      return true;
    default:
      return false;
  }
}

function shownPath(file: string, relativeTo: string): string {
  const relative = path.relative(relativeTo, file);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return (outside ? file : relative).split(path.sep).join('/');
}

/**
 * With no config file, when files that change existing tables were linted and none of the linted
 * files is a migration: one line saying so, with the config that makes them migrations. Undefined
 * otherwise (a config applies to them, some migration was linted, or nothing changed a table).
 * Schema snapshots and unnamed texts (`--stdin` without a file name) are not considered. Paths
 * are shown relative to `relativeTo` when inside it.
 */
export function unrecognisedMigrationsNotice(results: ReadonlyArray<{ filePath: string; classification?: FileClassification }>, options: { relativeTo: string }): string | undefined {
  const unrecognised: Array<{ filePath: string; classification: FileClassification }> = [];
  for (const { filePath, classification } of results) {
    if (!classification) continue;
    if (classification.migration) return undefined;
    if (classification.configPath === undefined && !classification.snapshot && classification.changesTables && path.isAbsolute(filePath)) {
      unrecognised.push({ filePath, classification });
    }
  }
  if (unrecognised.length === 0) return undefined;
  const first = unrecognised.reduce((a, b) => (b.filePath < a.filePath ? b : a));
  const folder = path.dirname(first.filePath);
  // The config goes where the defaults' globs are relative to (the project root), which the
  // config search from the file reaches; a file outside it (no project) gets one in its folder.
  const inside = !path.relative(first.classification.globsDir, folder).startsWith('..');
  const configDir = inside ? first.classification.globsDir : folder;
  const relativeFolder = path.relative(configDir, folder).split(path.sep).join('/');
  const glob = relativeFolder === '' ? '*.sql' : `${relativeFolder}/**/*.sql`;
  const fix = `add "migrations": { "include": ["${glob}"] } to ${shownPath(path.join(configDir, CONFIG_FILE_NAME), options.relativeTo)}`;
  const example = shownPath(first.filePath, options.relativeTo);
  return unrecognised.length === 1
    ? `${example} changes existing tables (ALTER, CREATE INDEX, DROP...) but is not a migration, so migration rules did not check it; to lint it as one, ${fix}`
    : `${unrecognised.length} files change existing tables (ALTER, CREATE INDEX, DROP...) but are not migrations, so migration rules did not check them (e.g. ${example}); to lint them as migrations, ${fix}`;
}
