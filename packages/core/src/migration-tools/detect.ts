/**
 * Which migration tool runs a file, and how it runs it: the tool is recognised from the file's
 * own directives, its name and path, and marker files up the directory tree (read synchronously
 * and cached per directory); the plan then says, per statement, whether the tool runs it inside a
 * transaction, including the file's opt-outs (`-- +goose NO TRANSACTION`, `transaction:false`,
 * `runInTransaction:false`, `metadata.toml`, `*.sql.conf`...). The knowledge itself is data in
 * `tools.ts`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { TransactionLayout } from '../engine/transactions.ts';
import type { Range } from '../model/nodes.ts';
import type { MigrationToolSetting, MigrationTransactionMode, Settings } from '../types.ts';
import { DETECTION_THRESHOLD, MIGRATION_TOOLS, migrationTool, type MigrationTool, type MigrationToolId, type StatementPattern } from './tools.ts';

export type { MigrationToolSetting };

export interface DetectedMigrationTool {
  tool: MigrationTool;
  score: number;
  /** What pointed at the tool, e.g. "`-- +goose` annotations", "flyway.conf in /repo". */
  evidence: string[];
}

/** What rules see on `context.file.migrationTool`. */
export interface MigrationToolInfo {
  id: MigrationToolId;
  name: string;
  /** How this file (its up part) runs after per-file opt-outs and `migrations.transaction`. */
  transaction: MigrationTransactionMode;
  /** Why: which tool, how it was recognised, and what it does with this file. */
  reason: string;
  /** The tool's per-file way to turn the transaction off, e.g. "`-- +goose NO TRANSACTION`"; absent when there is none. */
  optOut?: string;
  /** The file already opts out of the tool's transaction. */
  optedOut: boolean;
  /** What to do so a statement runs outside a transaction with this tool: the opt-out or a workaround. */
  remedy: string;
}

export interface FileTransactionPlan extends TransactionLayout {
  tool?: MigrationToolInfo;
  /**
   * Set when nothing says how the file runs (no tool recognised, no `migrations.transaction`, no
   * opt-out comment): what was assumed instead, for messages whose claim depends on it.
   */
  assumed?: string;
  /** Rollback parts the tool knows and the source masker does not (node-pg-migrate's `-- Down Migration`). */
  downSections?: Array<{ start: number; end: number }>;
  /** Things about how the tool will run the file worth telling (Flyway refusing mixed scripts...). */
  notes: string[];
}

export interface PlanStatement {
  index: number;
  range: Range;
  text: string;
  section: 'up' | 'down';
}

export interface PlanInput {
  filePath: string;
  text: string;
  statements: readonly PlanStatement[];
  settings: Pick<Settings, 'postgresVersion' | 'migrationTransaction' | 'migrationTool'>;
  /** `noTransaction` from the source masker: goose / dbmate / atlas opt-out comments. */
  noTransactionDirective?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The file system, read once per directory

const MAX_DEPTH = 30;
const MAX_MANIFEST_BYTES = 512 * 1024;

class FsCache {
  readonly #entries = new Map<string, ReadonlySet<string>>();
  readonly #texts = new Map<string, string | null>();
  readonly #ancestors = new Map<string, readonly string[]>();
  readonly #dirEvidence = new Map<string, ReadonlyArray<{ tool: MigrationToolId; weight: number; describe: string }>>();

  entries(dir: string): ReadonlySet<string> {
    let names = this.#entries.get(dir);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(dir));
      } catch {
        names = new Set();
      }
      this.#entries.set(dir, names);
    }
    return names;
  }

  /** Small text files only (manifests, configs); undefined when missing or unreadable. */
  text(file: string): string | undefined {
    let text = this.#texts.get(file);
    if (text === undefined) {
      text = null;
      try {
        if (statSync(file).size <= MAX_MANIFEST_BYTES) text = readFileSync(file, 'utf8');
      } catch {
        // missing or unreadable: no evidence
      }
      this.#texts.set(file, text);
    }
    return text ?? undefined;
  }

  /** The directory and its ancestors, up to the repository root (a directory holding `.git`) or the file system root. */
  ancestors(dir: string): readonly string[] {
    let list = this.#ancestors.get(dir);
    if (list === undefined) {
      const out: string[] = [];
      let current = dir;
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        out.push(current);
        if (this.entries(current).has('.git')) break;
        const parent = dirname(current);
        if (parent === current) break;
        current = parent;
      }
      list = out;
      this.#ancestors.set(dir, list);
    }
    return list;
  }

  /** The nearest ancestor of `dir` (itself included) with an entry called `name`. */
  nearest(dir: string, name: string): string | undefined {
    for (const ancestor of this.ancestors(dir)) if (this.entries(ancestor).has(name)) return join(ancestor, name);
    return undefined;
  }

  dirEvidence(dir: string, compute: () => Array<{ tool: MigrationToolId; weight: number; describe: string }>) {
    let evidence = this.#dirEvidence.get(dir);
    if (evidence === undefined) {
      evidence = compute();
      this.#dirEvidence.set(dir, evidence);
    }
    return evidence;
  }
}

let cache = new FsCache();

/**
 * Forget what was read from disk. Detection caches directory listings and config files for the
 * life of the process; a long-running server calls this when files change.
 */
export function resetMigrationToolCache(): void {
  cache = new FsCache();
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function shortPath(path: string): string {
  const parts = toPosix(path).split('/');
  return parts.slice(-3).join('/');
}

// ---------------------------------------------------------------------------------------------
// Detection

/** Content signals look at the head of the file: directives live there. */
const HEAD_CHARS = 20_000;

function directoryEvidence(dir: string): Array<{ tool: MigrationToolId; weight: number; describe: string }> {
  const ancestors = cache.ancestors(dir);
  const found: Array<{ tool: MigrationToolId; weight: number; describe: string }> = [];
  for (const tool of MIGRATION_TOOLS) {
    for (const signal of tool.signals) {
      if (signal.kind === 'marker') {
        const levels = signal.levels === 'up' ? ancestors : ancestors.slice(signal.levels, signal.levels + 1);
        const matches = (name: string): boolean => (typeof signal.name === 'string' ? name === signal.name : signal.name.test(name));
        const where = levels.find((d) => {
          const names = cache.entries(d);
          if (typeof signal.name === 'string') return names.has(signal.name);
          for (const name of names) if (matches(name)) return true;
          return false;
        });
        if (where !== undefined) found.push({ tool: tool.id, weight: signal.weight, describe: `${signal.describe} (${shortPath(where)})` });
      } else if (signal.kind === 'manifest') {
        const manifest = cache.nearest(dir, signal.file);
        const text = manifest === undefined ? undefined : cache.text(manifest);
        if (text !== undefined && signal.pattern.test(text)) found.push({ tool: tool.id, weight: signal.weight, describe: `${signal.describe} (${shortPath(manifest!)})` });
      }
    }
  }
  return found;
}

/**
 * The tool that most likely runs `filePath`, or undefined when nothing points at one strongly
 * enough. `text` is the file's content (its directives are the strongest evidence).
 */
export function detectMigrationTool(filePath: string, text: string): DetectedMigrationTool | undefined {
  const absolute = resolve(filePath);
  const posix = toPosix(absolute);
  const name = basename(absolute);
  const head = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).slice(0, HEAD_CHARS);

  const scores = new Map<MigrationToolId, { score: number; evidence: string[] }>();
  const add = (tool: MigrationToolId, weight: number, describe: string): void => {
    const entry = scores.get(tool) ?? { score: 0, evidence: [] };
    entry.score += weight;
    entry.evidence.push(describe);
    scores.set(tool, entry);
  };

  for (const tool of MIGRATION_TOOLS) {
    for (const signal of tool.signals) {
      if (signal.kind === 'content' && signal.pattern.test(head)) add(tool.id, signal.weight, signal.describe);
      else if (signal.kind === 'fileName' && signal.pattern.test(name)) add(tool.id, signal.weight, signal.describe);
      else if (signal.kind === 'path' && signal.pattern.test(posix)) add(tool.id, signal.weight, signal.describe);
    }
  }
  const dir = dirname(absolute);
  for (const e of cache.dirEvidence(dir, () => directoryEvidence(dir))) add(e.tool, e.weight, e.describe);

  let best: DetectedMigrationTool | undefined;
  for (const tool of MIGRATION_TOOLS) {
    const entry = scores.get(tool.id);
    if (!entry || entry.score < DETECTION_THRESHOLD) continue;
    if (!best || entry.score > best.score) best = { tool, score: entry.score, evidence: entry.evidence };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Per-file transaction plans

/** Statement text as the tools' own classifiers see it: no comments, single blanks, upper case. */
export function simplifyStatement(text: string): string {
  return text
    .replace(/\/\*[^]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

function matchingPattern(patterns: readonly StatementPattern[], text: string, postgresVersion: number): StatementPattern | undefined {
  const simple = simplifyStatement(text);
  return patterns.find((p) => p.pattern.test(simple) && (p.belowVersion === undefined || postgresVersion < p.belowVersion));
}

interface ToolPlan {
  mode: MigrationTransactionMode;
  downSections?: Array<{ start: number; end: number }>;
  units?: TransactionLayout['units'];
  standalone?: Set<number>;
  optedOut: boolean;
  /** This file's situation in a sentence, e.g. "goose runs this file in a transaction". */
  how: string;
  notes?: string[];
}

const MODE_PHRASE: Record<MigrationTransactionMode, string> = {
  wrapped: 'inside a transaction',
  implicit: 'as one query string (several statements share an implicit transaction)',
  none: 'without a transaction (each statement commits on its own unless the file says BEGIN)',
};

function lineStarts(text: string, pattern: RegExp): Array<{ at: number; match: RegExpExecArray }> {
  const out: Array<{ at: number; match: RegExpExecArray }> = [];
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    out.push({ at: m.index, match: m });
    if (m[0].length === 0) global.lastIndex++;
  }
  return out;
}

/** `key=value` / `key = value` settings of a properties or TOML file (no sections). */
function readSetting(text: string | undefined, keys: string[]): string | undefined {
  if (text === undefined) return undefined;
  let value: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w.]+)\s*=\s*"?([^"#\s]*)"?/.exec(line);
    if (m && keys.includes(m[1]!)) value = m[2]!.toLowerCase();
  }
  return value;
}

function planFlyway(tool: MigrationTool, input: PlanInput, absolute: string): ToolPlan {
  const dir = dirname(absolute);
  const scriptConfPath = join(dir, `${basename(absolute)}.conf`);
  const scriptConf = cache.entries(dir).has(basename(scriptConfPath)) ? cache.text(scriptConfPath) : undefined;
  const scriptSetting = readSetting(scriptConf, ['executeInTransaction']);
  const inline = /^--\s*flyway:executeInTransaction\s*=\s*(true|false)\s*$/im.exec(input.text)?.[1]?.toLowerCase();
  const confFile = cache.nearest(dir, 'flyway.conf');
  const tomlFile = cache.nearest(dir, 'flyway.toml');
  const globalConf = readSetting(confFile && cache.text(confFile), ['flyway.executeInTransaction']) ?? readSetting(tomlFile && cache.text(tomlFile), ['executeInTransaction']);
  const mixed = (readSetting(confFile && cache.text(confFile), ['flyway.mixed']) ?? readSetting(tomlFile && cache.text(tomlFile), ['mixed'])) === 'true';

  const perScript = scriptSetting ?? inline;
  if (perScript !== undefined) {
    const where = scriptSetting !== undefined ? `${basename(scriptConfPath)}` : 'the in-script `-- flyway:executeInTransaction` comment';
    return perScript === 'false'
      ? { mode: 'none', optedOut: true, how: `Flyway runs this script without a transaction (executeInTransaction=false in ${where})` }
      : { mode: 'wrapped', optedOut: false, how: `Flyway runs this script in a transaction (executeInTransaction=true in ${where}), whatever it contains` };
  }

  const version = input.settings.postgresVersion;
  const upStatements = input.statements.filter((s) => s.section === 'up');
  const nonTransactional = upStatements.map((s) => ({ s, p: matchingPattern(tool.nonTransactionalStatements ?? [], s.text, version) })).filter((x) => x.p);
  if (nonTransactional.length > 0) {
    const what = [...new Set(nonTransactional.map((x) => x.p!.describe))].join(', ');
    const notes: string[] = [];
    if (nonTransactional.length < upStatements.length && !mixed) {
      notes.push(
        `Flyway refuses this script: it mixes ${what} (non-transactional) with transactional statements, which needs \`mixed=true\` (or a ${basename(absolute)}.conf with executeInTransaction).`,
      );
    }
    return { mode: 'none', optedOut: false, how: `Flyway runs this script without a transaction because it contains ${what}`, notes };
  }
  if (globalConf === 'false') return { mode: 'none', optedOut: true, how: 'Flyway runs this script without a transaction (executeInTransaction=false in the Flyway configuration)' };
  return { mode: 'wrapped', optedOut: false, how: 'Flyway runs this script in a transaction' };
}

function planLiquibase(input: PlanInput): ToolPlan {
  const changesets = lineStarts(input.text, /^[ \t]*--[ \t]*changeset[ \t]+[^\n]*$/im);
  const units = changesets.map((c, i) => {
    const runInTransaction = /\brunInTransaction:(\w+)/i.exec(c.match[0])?.[1]?.toLowerCase();
    return {
      start: c.at,
      end: i + 1 < changesets.length ? changesets[i + 1]!.at : input.text.length,
      mode: (runInTransaction === 'false' ? 'none' : 'wrapped') as MigrationTransactionMode,
    };
  });
  const off = units.filter((u) => u.mode === 'none').length;
  const how =
    units.length === 0
      ? 'Liquibase runs each changeset in a transaction (this file declares no `--changeset`)'
      : off === 0
        ? 'Liquibase runs each changeset of this file in its own transaction'
        : off === units.length
          ? 'Liquibase runs the changesets of this file without a transaction (runInTransaction:false)'
          : `Liquibase runs each changeset in its own transaction, except the ${off} marked runInTransaction:false`;
  return { mode: 'wrapped', units, optedOut: units.length > 0 && off === units.length, how };
}

function planDbmate(input: PlanInput): ToolPlan {
  const up = lineStarts(input.text, /^--\s*migrate:up(?:[ \t]+[^\n]*)?$/m)[0];
  const down = lineStarts(input.text, /^--\s*migrate:down(?:[ \t]+[^\n]*)?$/m)[0];
  const modeOf = (line: string | undefined): MigrationTransactionMode => (line !== undefined && /(^|\s)transaction:false(\s|$)/i.test(line) ? 'implicit' : 'wrapped');
  const upMode = modeOf(up?.match[0]);
  const units: Array<{ start: number; end: number; mode: MigrationTransactionMode }> = [];
  if (up) units.push({ start: up.at, end: down && down.at > up.at ? down.at : input.text.length, mode: upMode });
  if (down) units.push({ start: down.at, end: up && up.at > down.at ? up.at : input.text.length, mode: modeOf(down.match[0]) });
  return {
    mode: upMode,
    units,
    optedOut: upMode !== 'wrapped',
    how: upMode === 'wrapped' ? 'dbmate runs the migrate:up block in a transaction' : 'dbmate runs the migrate:up block without a transaction (transaction:false), as one query string',
  };
}

function planSupabase(tool: MigrationTool, input: PlanInput): ToolPlan {
  const standalone = new Set<number>();
  for (const s of input.statements) if (matchingPattern(tool.nonTransactionalStatements ?? [], s.text, input.settings.postgresVersion)) standalone.add(s.index);
  return {
    mode: 'implicit',
    standalone,
    optedOut: false,
    how:
      standalone.size > 0
        ? 'the Supabase CLI sends this file as one batch (one implicit transaction) and runs its CONCURRENTLY/VACUUM-like statements on their own (CLI v2.109.0 and later)'
        : 'the Supabase CLI sends this file as one batch, so its statements share an implicit transaction',
  };
}

function planFor(tool: MigrationTool, input: PlanInput, absolute: string): ToolPlan {
  const noTx = input.noTransactionDirective === true;
  switch (tool.id) {
    case 'flyway':
      return planFlyway(tool, input, absolute);
    case 'liquibase':
      return planLiquibase(input);
    case 'dbmate':
      return planDbmate(input);
    case 'supabase':
      return planSupabase(tool, input);
    case 'node-pg-migrate': {
      // sqlMigration.ts: the up part runs from `-- Up Migration` to `-- Down Migration` (or the end), and back.
      const up = input.text.search(/^\s*--[\s-]*up\s+migration/im);
      const down = input.text.search(/^\s*--[\s-]*down\s+migration/im);
      const plan: ToolPlan = { mode: 'wrapped', optedOut: false, how: 'node-pg-migrate runs the up migration in a transaction' };
      if (down >= 0) plan.downSections = [{ start: down, end: up > down ? up : input.text.length }];
      return plan;
    }
    case 'goose': {
      const off = /^--\s*\+goose\s+no\s+transaction\s*$/im.test(input.text) || noTx;
      return off
        ? { mode: 'none', optedOut: true, how: 'goose runs this file without a transaction (`-- +goose NO TRANSACTION`), statement by statement' }
        : { mode: 'wrapped', optedOut: false, how: 'goose runs this file in a transaction' };
    }
    case 'atlas': {
      const off = /^--\s*atlas:txmode\s+none\s*$/im.test(input.text) || noTx;
      return off
        ? { mode: 'none', optedOut: true, how: 'Atlas runs this file without a transaction (`-- atlas:txmode none`)' }
        : { mode: 'wrapped', optedOut: false, how: 'Atlas runs this file in a transaction (the default --tx-mode file)' };
    }
    case 'sqlx': {
      const off = input.text.replace(/^\uFEFF/, '').startsWith('-- no-transaction');
      return off
        ? { mode: 'implicit', optedOut: true, how: 'SQLx runs this file without a transaction (`-- no-transaction`), as one query string' }
        : { mode: 'wrapped', optedOut: false, how: 'SQLx runs this file in a transaction' };
    }
    case 'diesel': {
      const dir = dirname(absolute);
      const metadata = cache.entries(dir).has('metadata.toml') ? cache.text(join(dir, 'metadata.toml')) : undefined;
      const off = readSetting(metadata, ['run_in_transaction']) === 'false';
      return off
        ? { mode: 'implicit', optedOut: true, how: 'Diesel runs this migration without a transaction (run_in_transaction = false in metadata.toml), as one batch' }
        : { mode: 'wrapped', optedOut: false, how: 'Diesel runs this migration in a transaction' };
    }
    case 'rails': {
      if (/(^|\/)structure\.sql$/.test(toPosix(absolute))) {
        return { mode: 'none', optedOut: false, how: 'Rails loads structure.sql with `psql --file`, each statement in autocommit' };
      }
      const rb = join(dirname(absolute), basename(absolute).replace(/\.sql$/i, '.rb'));
      const ruby = cache.entries(dirname(absolute)).has(basename(rb)) ? cache.text(rb) : undefined;
      return ruby !== undefined && /\bdisable_ddl_transaction!/.test(ruby)
        ? { mode: 'none', optedOut: true, how: `Rails runs ${basename(rb)} without a transaction (disable_ddl_transaction!)` }
        : { mode: 'wrapped', optedOut: false, how: 'Rails runs the migration that executes this SQL in a transaction' };
    }
    case 'django': {
      const atomic = /^\s*BEGIN\s*;/im.test(input.text);
      return {
        mode: 'none',
        optedOut: !atomic,
        how: atomic ? 'the sqlmigrate output carries its own BEGIN; ... COMMIT; (an atomic migration)' : 'the sqlmigrate output has no BEGIN/COMMIT (atomic = False): each statement commits on its own',
      };
    }
    default:
      return { mode: tool.transaction.mode, optedOut: false, how: `${tool.name} runs this file ${MODE_PHRASE[tool.transaction.mode]}` };
  }
}

/**
 * What a file no tool is recognised for is assumed to do. Most tools run a file in one transaction
 * (they wrap it, or send it as one query string); psql -f runs statement by statement. `implicit`
 * is the middle ground: a multi-statement file is one transaction, a single statement is not.
 */
export const ASSUMED_RUNNER =
  'no migration tool was recognised, so the file is assumed to be sent as one query string (a multi-statement file is then one implicit transaction); set `migrations.transaction` ("none" for psql -f and other statement-by-statement runners, "wrapped" for tools that wrap each file in BEGIN/COMMIT) or `migrations.tool` to say how it runs';

function remedyFor(tool: MigrationTool): string {
  if (tool.optOut) return `use ${tool.optOut.how} and keep the statement in a migration of its own`;
  return tool.workaround ?? 'run the statement outside the migration tool';
}

/**
 * How the statements of a migration file run: which tool (detected, or `migrations.tool`), the
 * mode of each part of the file, and the file's opt-outs. An explicit `migrations.transaction`
 * replaces the tool's mode; a file's own opt-out comment still turns the transaction off.
 */
export function planFileTransactions(input: PlanInput): FileTransactionPlan {
  const setting = input.settings.migrationTool ?? 'auto';
  const override = input.settings.migrationTransaction;
  const noTx = input.noTransactionDirective === true;
  const absolute = resolve(input.filePath);

  let detected: DetectedMigrationTool | undefined;
  if (setting === 'auto') detected = detectMigrationTool(input.filePath, input.text);
  else if (setting !== 'none') {
    const tool = migrationTool(setting);
    if (tool) detected = { tool, score: Infinity, evidence: ['`migrations.tool` in the configuration'] };
  }

  if (!detected) {
    const mode: MigrationTransactionMode = noTx ? 'none' : override ?? 'implicit';
    return noTx || override !== undefined ? { mode, notes: [] } : { mode, notes: [], assumed: ASSUMED_RUNNER };
  }

  const { tool } = detected;
  const plan = planFor(tool, input, absolute);
  if (tool.downFiles?.test(toPosix(absolute))) plan.downSections = [{ start: 0, end: input.text.length }];
  const source = detected.score === Infinity ? 'set by `migrations.tool`' : `recognised from ${detected.evidence.slice(0, 3).join(', ')}`;
  const info = (mode: MigrationTransactionMode, how: string, optedOut: boolean): MigrationToolInfo => ({
    id: tool.id,
    name: tool.name,
    transaction: mode,
    reason: `${tool.name} (${source}): ${how}.`,
    ...(tool.optOut ? { optOut: tool.optOut.how } : {}),
    optedOut,
    remedy: remedyFor(tool),
  });

  if (override !== undefined) {
    const mode: MigrationTransactionMode = noTx ? 'none' : override;
    const how = noTx ? 'the file turns the transaction off' : `\`migrations.transaction\` is "${override}", which replaces ${tool.name}'s own behaviour`;
    return { mode, tool: info(mode, how, noTx), notes: plan.notes ?? [], ...(plan.downSections ? { downSections: plan.downSections } : {}) };
  }

  const layout: FileTransactionPlan = { mode: plan.mode, tool: info(plan.mode, plan.how, plan.optedOut), notes: plan.notes ?? [] };
  if (plan.units && plan.units.length > 0) layout.units = plan.units;
  if (plan.standalone && plan.standalone.size > 0) layout.standalone = plan.standalone;
  if (plan.downSections) layout.downSections = plan.downSections;
  return layout;
}
