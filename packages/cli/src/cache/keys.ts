/**
 * Cache keys. A file's findings depend on its text, its resolved config, the sqlwarden version,
 * the command-line overrides, the files the migration-tool detection reads around it, and the
 * in-run catalog, i.e. every file before it in replay order. The key of file i is a chained hash:
 *
 *   chain(-1) = hash(cache format, sqlwarden version and bundle hash, cwd, --config, --rule, --pg-version)
 *   chain(i)  = hash(chain(i-1), path(i), hash(text(i)), environment(i))
 *
 * so appending a migration keeps every earlier key, while editing one invalidates itself and
 * everything replayed after it. `environment` is the resolved config (as --print-config shows it,
 * including rule options), the config file's bytes and directory, the plugins' identity, and the
 * directory signature migration-tool detection depends on (see `EnvironmentHasher`).
 */
import crypto from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Linter, isMigrationToolMarker } from '@sqlwarden/core';

type LoadedConfig = ReturnType<Linter['loadedConfigFor']>;

/** Bump when the stored entry shape or the key recipe changes. */
export const CACHE_FORMAT = 4;

// crypto.hash (Node 20.12+) hashes in one call, without a Hash object per text: a warm run
// hashes two strings per file.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text) : crypto.createHash('sha256').update(text).digest('hex');
}

export interface GlobalKeyInputs {
  version: string;
  cwd: string;
  configPath?: string;
  rules: Record<string, unknown>;
  pgVersion?: number;
  /** `buildIdentity()`: catches a rebuilt CLI whose version number did not change. */
  build?: string;
}

/** A hash of the running bundle (this module's file): rules and engine code changed without a version bump. */
export function buildIdentity(): string {
  try {
    return sha256(readFileSync(fileURLToPath(import.meta.url), 'utf8'));
  } catch {
    return '';
  }
}

export function globalKey(inputs: GlobalKeyInputs): string {
  return sha256(
    JSON.stringify({
      format: CACHE_FORMAT,
      version: inputs.version,
      cwd: inputs.cwd,
      configPath: inputs.configPath ?? null,
      rules: inputs.rules,
      pgVersion: inputs.pgVersion ?? null,
      build: inputs.build ?? null,
    }),
  );
}

/** Files whose content migration-tool detection reads (manifests, tool configs, per-file opt-outs). */
const READ_BY_DETECTION = /^(package\.json|go\.mod|Cargo\.toml|pom\.xml|build\.gradle(\.kts)?|flyway\.(conf|toml)|metadata\.toml)$|\.sql\.conf$|\.rb$/;
/**
 * Whether a directory entry can change migration-tool detection: a `marker` name of core's tool
 * data, or `.git`, where the walk stops. Other names (a cache file, node_modules, a report) must
 * not invalidate the cache.
 */
export function affectsDetection(name: string): boolean {
  return name === '.git' || isMigrationToolMarker(name);
}
const MAX_DETECTION_BYTES = 512 * 1024;
const MAX_DEPTH = 30;

function readIfSmall(file: string): string {
  try {
    const stats = statSync(file);
    if (!stats.isFile() || stats.size > MAX_DETECTION_BYTES) return '';
    return sha256(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
}

function packageVersionNear(file: string): string {
  let dir = path.dirname(file);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      return `${String(manifest.name)}@${String(manifest.version)}`;
    } catch {
      // none here
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return '';
}

interface DirectorySignature {
  signature: string;
  /** Whether it holds `.git`, where detection's walk up stops. */
  hasGit: boolean;
}

/** Computes `environment(i)` for files, memoizing what several files share. */
export class EnvironmentHasher {
  private readonly directories = new Map<string, DirectorySignature>();
  private readonly ancestorSignatures = new Map<string, string>();
  private readonly configs = new Map<LoadedConfig, string>();
  /** `environment` by directory. */
  private readonly environments = new Map<string, string>();

  constructor(private readonly linter: Linter) {}

  /**
   * One directory: the detection markers in it (flyway.conf, `*.sql.conf`, `.git`...; a
   * migration's own name is part of its path) and the content of the files detection reads.
   */
  private directory(dir: string): DirectorySignature {
    let directory = this.directories.get(dir);
    if (directory === undefined) {
      let names: string[];
      try {
        names = readdirSync(dir)
          .filter((name) => affectsDetection(name) || READ_BY_DETECTION.test(name))
          .sort();
      } catch {
        names = []; // unreadable: detection sees no entries either
      }
      const contents = names.filter((name) => READ_BY_DETECTION.test(name)).map((name) => `${name}=${readIfSmall(path.join(dir, name))}`);
      directory = { signature: sha256(JSON.stringify([names, contents])), hasGit: names.includes('.git') };
      this.directories.set(dir, directory);
    }
    return directory;
  }

  /** The directory and its ancestors up to the one holding `.git`, as detection walks them. */
  private ancestors(dir: string): string {
    let signature = this.ancestorSignatures.get(dir);
    if (signature === undefined) {
      const parts: string[] = [];
      let current = dir;
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const directory = this.directory(current);
        parts.push(directory.signature);
        if (directory.hasGit) break;
        const parent = path.dirname(current);
        if (parent === current) break;
        current = parent;
      }
      signature = sha256(parts.join('\n'));
      this.ancestorSignatures.set(dir, signature);
    }
    return signature;
  }

  /**
   * Everything about the file's config: the resolved config (as --print-config shows it,
   * including rule options but not the file's own migration status, which follows from the config
   * and the path, both in the key), the config file's bytes, the directory its globs are relative
   * to, and its plugins' identity (entry module bytes and package version). Once per config.
   */
  private async config(filePath: string, loaded: LoadedConfig): Promise<string> {
    let signature = this.configs.get(loaded);
    if (signature === undefined) {
      const plugins = (loaded.raw.plugins ?? []).map((spec) => {
        try {
          const resolved = createRequire(path.join(loaded.dir, 'sqlwarden.config.js')).resolve(spec);
          return `${spec}=${readIfSmallAnySize(resolved)}:${packageVersionNear(resolved)}`;
        } catch {
          return `${spec}=?`;
        }
      });
      const rules = (await this.linter.rulesForFile(filePath)).map((rule) => rule.meta.id).sort();
      const { isMigration: _perFile, ...resolved } = await this.linter.getConfigForFile(filePath);
      signature = sha256(
        JSON.stringify({
          path: loaded.path ?? null,
          dir: loaded.dir,
          content: loaded.path === undefined ? null : readIfSmallAnySize(loaded.path),
          plugins,
          rules,
          resolved,
        }),
      );
      this.configs.set(loaded, signature);
    }
    return signature;
  }

  /** Depends on the file's directory only: its config is found from there. */
  async environment(filePath: string): Promise<string> {
    const dir = path.dirname(filePath);
    let environment = this.environments.get(dir);
    if (environment === undefined) {
      environment = sha256([await this.config(filePath, this.linter.loadedConfigFor(filePath)), this.ancestors(dir)].join('\n'));
      this.environments.set(dir, environment);
    }
    return environment;
  }
}

function readIfSmallAnySize(file: string): string {
  try {
    return sha256(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
}

/** The chained keys of `files`, which must be in replay order. */
export async function chainedKeys(files: ReadonlyArray<{ path: string; text: string }>, global: string, hasher: EnvironmentHasher): Promise<string[]> {
  const keys: string[] = [];
  let chain = global;
  for (const file of files) {
    chain = sha256([chain, file.path, sha256(file.text), await hasher.environment(file.path)].join('\0'));
    keys.push(chain);
  }
  return keys;
}
