/**
 * The --cache file: one JSON document mapping each linted file's absolute path to the key its
 * findings were computed under and the findings. Written atomically (a temporary file renamed
 * over it); a missing, unreadable, corrupt or other-version file is treated as empty and
 * rewritten.
 */
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, FileClassification } from '@sqlwarden/core';
import { osErrorReason } from '../discover.ts';
import { CACHE_FORMAT } from './keys.ts';

export const DEFAULT_CACHE_LOCATION = path.join('node_modules', '.cache', 'sqlwarden');
const CACHE_FILE_NAME = 'lint-cache.json';

export interface CacheEntry {
  key: string;
  messages: Diagnostic[];
  /** Statement ranges (what --baseline fingerprints need), as [start, end] pairs. */
  statements?: Array<[number, number]>;
  /** Whether the file is a migration etc., for the notice about schema changes outside migrations. */
  classification?: FileClassification;
}

/**
 * An entry as the file holds it: the statement ranges as one flat array (start, end, start,
 * end...). A JSON array per statement made up a third of the time to parse a large cache.
 */
interface StoredEntry extends Omit<CacheEntry, 'statements'> {
  statements?: number[];
}

interface CacheDocument {
  format: number;
  version: string;
  entries: Record<string, StoredEntry>;
}

function toStored(entry: CacheEntry): StoredEntry {
  if (entry.statements === undefined) return entry as StoredEntry;
  return { ...entry, statements: entry.statements.flat() };
}

/** The entry with its ranges as pairs again; undefined when they are not an even-length array of numbers. */
function fromStored(stored: StoredEntry): CacheEntry | undefined {
  const flat = stored.statements;
  if (flat === undefined) return stored as CacheEntry;
  if (!Array.isArray(flat) || flat.length % 2 !== 0) return undefined;
  const statements: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (typeof flat[i] !== 'number' || typeof flat[i + 1] !== 'number') return undefined;
    statements.push([flat[i]!, flat[i + 1]!]);
  }
  return { ...stored, statements };
}

/**
 * Like ESLint: an existing directory, or a location ending with a path separator, holds the
 * cache in a file of its own; anything else is the cache file itself.
 */
export function cacheFilePath(location: string, cwd: string): string {
  const resolved = path.resolve(cwd, location);
  if (location.endsWith('/') || location.endsWith(path.sep)) return path.join(resolved, CACHE_FILE_NAME);
  try {
    if (statSync(resolved).isDirectory()) return path.join(resolved, CACHE_FILE_NAME);
  } catch {
    // does not exist yet
  }
  // The default location is a directory even before it exists.
  if (path.normalize(location) === DEFAULT_CACHE_LOCATION) return path.join(resolved, CACHE_FILE_NAME);
  return resolved;
}

export type CacheLog = (line: string) => void;

/** Why the cache file could not be written; creating its directory fails with EEXIST when a parent is a file. */
function writeFailureReason(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST' ? 'a parent is not a directory (EEXIST)' : osErrorReason(error);
}

export class LintCache {
  private entries: Record<string, StoredEntry> = {};
  /** Whether `save` has anything to write: a new entry, or the file was missing or unusable. */
  private dirty = true;

  private constructor(
    readonly file: string,
    private readonly version: string,
    private readonly log: CacheLog,
  ) {}

  static load(file: string, version: string, log: CacheLog): LintCache {
    const cache = new LintCache(file, version, log);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      log(`no cache file at ${file}`);
      return cache;
    }
    try {
      const document = JSON.parse(text) as Partial<CacheDocument> | null;
      if (!document || typeof document !== 'object' || document.format !== CACHE_FORMAT || document.version !== version || typeof document.entries !== 'object' || document.entries === null) {
        log(`ignoring cache file ${file}: written by another version`);
      } else {
        cache.entries = document.entries;
        cache.dirty = false;
      }
    } catch {
      log(`ignoring cache file ${file}: not valid JSON`);
    }
    return cache;
  }

  get(filePath: string, key: string): CacheEntry | undefined {
    const entry = Object.hasOwn(this.entries, filePath) ? this.entries[filePath] : undefined;
    if (entry && entry.key === key && Array.isArray(entry.messages)) return fromStored(entry);
    return undefined;
  }

  set(filePath: string, entry: CacheEntry): void {
    this.entries[filePath] = toStored(entry);
    this.dirty = true;
  }

  /**
   * Atomic: a reader sees the old file or the new one. Failure to write is never fatal (the
   * results do not depend on it, as with ESLint); it is returned, for the user to be warned:
   * a one-line headline and a detail line.
   */
  save(): { headline: string; detail: string } | undefined {
    if (!this.dirty) {
      this.log(`${this.file} is up to date`);
      return undefined;
    }
    const document: CacheDocument = { format: CACHE_FORMAT, version: this.version, entries: this.entries };
    const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, JSON.stringify(document));
      renameSync(temporary, this.file);
      this.log(`wrote ${Object.keys(this.entries).length} entries to ${this.file}`);
      return undefined;
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // never created
      }
      this.log(`could not write ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
      return {
        headline: `Could not write the cache file ${this.file}: ${writeFailureReason(error)}`,
        detail: 'The results are complete; the next --cache run lints every file again. Check --cache-location.',
      };
    }
  }
}
