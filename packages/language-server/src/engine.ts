import path from 'node:path';
import {
  type CatalogReader,
  type LintFileResult,
  Linter,
  type Rule,
  type StatementInfo,
  describeStatement,
  describeStatementLocks,
} from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import { IdleCollector } from './idle-gc.ts';
import type { ServerSettings } from './settings.ts';

/** Where the catalog saw a table created: file, statement index, and its offset when in the linted text. */
export interface TableDefinition {
  table: string;
  file: string;
  statement: number;
  offset?: number;
}

export interface StatementLocksAt {
  statement: StatementInfo;
  summary: string;
  definitions: TableDefinition[];
}

/** Shared by every Engine: one process, one heap. */
export const idleCollector = new IdleCollector();

/** A queued lint whose text was replaced by a newer version before its turn came. */
export class SupersededLint extends Error {
  constructor() {
    super('superseded by a newer version of the document');
  }
}

/**
 * One Linter per workspace folder, each used by one lint at a time: a Linter carries the catalog
 * of the last run, so runs are serialized and start from an empty schema.
 */
export class Engine {
  private linters = new Map<string, { linter: Linter; queue: Promise<unknown> }>();
  private folders: string[] = [];
  /** Settings scoped to one workspace folder (multi-root clients may differ per folder). */
  private folderSettings = new Map<string, ServerSettings>();

  constructor(
    private settings: ServerSettings,
    private readonly trusted: boolean,
  ) {}

  setFolders(folders: string[]): void {
    this.folders = [...folders].sort((a, b) => b.length - a.length);
    for (const root of this.folderSettings.keys()) if (!folders.includes(root)) this.folderSettings.delete(root);
    this.linters.clear();
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /** `perFolder`: settings the client resolved for each workspace folder; others use `settings`. */
  setSettings(settings: ServerSettings, perFolder: ReadonlyMap<string, ServerSettings> = new Map()): void {
    this.settings = settings;
    this.folderSettings = new Map(perFolder);
    this.linters.clear(); // overrides are fixed per Linter
  }

  /** The settings in force for a file: its workspace folder's, else the global ones. */
  settingsFor(filePath: string): ServerSettings {
    return this.folderSettings.get(this.rootFor(filePath)) ?? this.settings;
  }

  clearConfigCache(): void {
    for (const { linter } of this.linters.values()) linter.clearConfigCache();
  }

  /** The workspace folder that contains the file, if any. */
  folderOf(filePath: string): string | undefined {
    return this.folders.find((f) => filePath === f || filePath.startsWith(f + path.sep));
  }

  private rootFor(filePath: string): string {
    return this.folders.find((f) => filePath === f || filePath.startsWith(f + path.sep)) ?? path.dirname(filePath);
  }

  private run<T>(filePath: string, job: (linter: Linter) => Promise<T>): Promise<T> {
    const root = this.rootFor(filePath);
    let entry = this.linters.get(root);
    if (!entry) {
      const settings = this.folderSettings.get(root) ?? this.settings;
      const overrides: { rules?: Record<string, unknown>; postgresVersion?: number } = {};
      if (Object.keys(settings.rules).length) overrides.rules = settings.rules;
      if (settings.postgresVersion !== undefined) overrides.postgresVersion = settings.postgresVersion;
      // Plugins are workspace code: never import them unless the workspace is trusted.
      const loadPlugins = this.trusted || settings.allowPlugins;
      // Every occurrence of a grouped finding on its own: a squiggle and quick fixes on each line.
      entry = { linter: new Linter({ cwd: root, rules: builtinRules, overrides, loadPlugins, relint: true, groupRepeats: false }), queue: Promise.resolve() };
      this.linters.set(root, entry);
    }
    const { linter } = entry;
    const result = entry.queue.then(() => {
      idleCollector.cancel();
      linter.resetCatalog();
      return job(linter);
    });
    entry.queue = result.catch(() => undefined);
    // On a timer, so the collection runs after the caller has sent its answer.
    const collectLater = (): void => idleCollector.schedule();
    void result.then(collectLater, collectLater);
    return result;
  }

  /**
   * `pluginsSkipped`: the config names plugins that were not loaded because the workspace is untrusted.
   * `isStale`: asked when the lint's turn comes; when the text was superseded meanwhile (the user
   * kept typing while a large document was linted), it throws SupersededLint instead of linting.
   */
  lint(filePath: string, text: string, fix = false, isStale?: () => boolean): Promise<{ result: LintFileResult; rules: Map<string, Rule<any>>; pluginsSkipped: boolean }> {
    return this.run(filePath, async (linter) => {
      if (isStale?.()) throw new SupersededLint();
      const result = await linter.lintText(text, { filePath, fix });
      const rules = new Map((await linter.rulesForFile(filePath)).map((r) => [r.meta.id, r] as const));
      return { result, rules, pluginsSkipped: linter.pluginsSkippedFor(filePath) };
    });
  }

  /**
   * The lock summary of the statement that contains `offset`, from the engine's lock model, and
   * where each locked table was created as far as the catalog knows (`offset` set when it was
   * created earlier in this same text).
   */
  statementLocksAt(filePath: string, text: string, offset: number): Promise<StatementLocksAt | undefined> {
    return this.run(filePath, async (linter) => {
      const postgresVersion = (await linter.prepare(filePath)).settings.postgresVersion;
      let found: StatementLocksAt | undefined;
      const starts = new Map<number, number>();
      await linter.lintFiles([{ path: filePath, text }], {
        onStatement: (file: string, statement: StatementInfo, catalog: CatalogReader) => {
          if (file === filePath) starts.set(statement.index, statement.range.start);
          if (found || !statement.node || offset < statement.range.start || offset > statement.range.end) return;
          const locks = describeStatementLocks(statement.node, { postgresVersion, catalog });
          if (locks.effects.length === 0) return;
          const definitions: TableDefinition[] = [];
          const seen = new Set<string>();
          for (const lock of locks.strongest) {
            if ('unresolved' in lock.relation && lock.relation.unresolved) continue;
            const table = catalog.getTable(lock.relation);
            const key = `${table?.schema}.${table?.name}`;
            if (!table?.createdIn || seen.has(key)) continue;
            seen.add(key);
            const { file: createdFile, statement: index } = table.createdIn;
            const start = createdFile === filePath ? starts.get(index) : undefined;
            definitions.push({ table: table.schema === 'public' ? table.name : `${table.schema}.${table.name}`, file: createdFile, statement: index, ...(start === undefined ? {} : { offset: start }) });
          }
          found = { statement, summary: describeStatement(locks), definitions };
        },
      });
      return found;
    });
  }
}
