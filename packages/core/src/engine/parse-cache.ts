/**
 * Parsed statements by their exact text, so that re-linting an edited file re-parses only the
 * statements the edit touched (the language server lints the whole file on every keystroke).
 */
import type { DialectAdapter } from '../dialects/adapter.ts';
import type { Range, Statement } from '../model/nodes.ts';
import { endsWithTerminator, type StatementSegment } from '../source/split.ts';
import { parseWithinBudget } from './parse-budget.ts';

/** What lintSource needs from a parse (the segment's tokens are not kept). */
export interface SegmentParse {
  readonly statements: readonly Statement[];
  readonly error?: { readonly message: string; readonly range: Range };
  readonly skipped?: string;
  readonly notAnalysed?: { readonly message: string; readonly range: Range };
}

/** Where a cached segment starts in the text being linted now. */
interface Anchor {
  offset: number;
}

/**
 * The range of a node of a cached parse: kept relative to the segment's start, so that text typed
 * before the statement moves it by changing one anchor instead of copying the tree. The nodes
 * (and what was worked out from them by identity: walk orders, lock-model answers, catalog
 * states) stay the same objects across runs. Read-only: a rule that assigned to a range would get
 * a TypeError instead of corrupting later runs.
 */
export class AnchoredRange implements Range {
  readonly #anchor: Anchor;
  readonly #start: number;
  readonly #end: number;

  constructor(anchor: Anchor, start: number, end: number) {
    this.#anchor = anchor;
    this.#start = start;
    this.#end = end;
    Object.freeze(this);
  }

  get start(): number {
    return this.#anchor.offset + this.#start;
  }

  get end(): number {
    return this.#anchor.offset + this.#end;
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** One parse of the entry's text with its own anchor: a text that occurs twice in a file has two. */
interface Instance {
  anchor: Anchor;
  parse: SegmentParse;
  /** The run that last used it: one instance serves one occurrence per run. */
  run: number;
  entry: Entry;
  /** Dropped from the cache: a file's last run may still name it, but it is not used again. */
  evicted?: boolean;
}

/** A file's last lint: its masked text, segments and the instance that served each. */
interface FileRun {
  adapter: DialectAdapter;
  masked: string;
  segments: StatementSegment[];
  instances: Instance[];
}

/** The segments of a file and their parses, in file order. */
export interface ParsedFile {
  segments: StatementSegment[];
  parses: SegmentParse[];
}

/** How far the cache grows for one large file (see holdFile): about 600 MB of parses. */
const MAX_GROWN_TEXT_LENGTH = 8_000_000;

/** Files whose last run is kept for `parseFile`: an editor's open documents, not a CLI's thousands. */
const FILE_RUNS = 16;

interface Entry {
  instances: Instance[];
  /** The instance last placed at each offset (a hint: check its offset and run). */
  byOffset: Map<number, Instance>;
  /** In run `cursorRun`, every instance before `cursor` is taken: a text repeated thousands of times is not searched from the start for each occurrence. */
  cursor: number;
  cursorRun: number;
  textLength: number;
  /** When it was last used, on the cache's own clock. */
  lastUse: number;
}

/**
 * A bounded LRU of segment parses, keyed by the adapter, the file and the segment's masked text,
 * which is all `parseSegment` reads: settings such as the PostgreSQL version only matter to rules,
 * so no config change invalidates an entry.
 *
 * Cached statements are shared between lint runs, so they are deep-frozen and their ranges are
 * `AnchoredRange`s. A hit at another offset (text inserted or deleted before the statement) moves
 * the anchor: the statement nodes of an earlier result for the same file then report the new
 * positions, so hosts read node positions before linting the file again (`StatementInfo.range`
 * is a copy and keeps its value). Files never share instances, so linting one file does not move
 * the nodes of another's result.
 */
export class SegmentParseCache {
  private readonly byAdapter = new Map<DialectAdapter, Map<string, Map<string, Entry>>>();
  private size = 0;
  private clock = 0;
  private run = 0;
  private readonly fileRuns = new Map<string, FileRun>();

  /**
   * `maxTextLength`: the total length of the cached statement texts. Parsed statements (parser
   * output included) take about 75 bytes per character, so the default holds about 37 MB: a few
   * files the size of a 2,000-line migration.
   */
  /**
   * `growForLargeFiles`: for a host that lints the same files again (an editor). A file bigger
   * than the cache would be parsed whole on every lint (each of its segments evicts another), so
   * the cache grows to hold the largest file it is asked to parse, up to a bound. A one-shot run
   * leaves it off: the parses of one large file would otherwise stay for the rest of the run.
   */
  constructor(
    private maxTextLength = 500_000,
    private readonly growForLargeFiles = false,
  ) {}

  private holdFile(length: number): void {
    if (!this.growForLargeFiles) return;
    const wanted = Math.min(Math.ceil(length * 1.25), MAX_GROWN_TEXT_LENGTH);
    if (wanted > this.maxTextLength) this.maxTextLength = wanted;
  }

  /** A new lint of a file starts: every instance is free to serve one occurrence again. */
  beginRun(): void {
    this.run++;
  }

  /**
   * Splits and parses a file. When the file was linted before, only the part between the text the
   * two versions share at their start and at their end is split and looked up again; the
   * segments before it keep their parses as they are, and those after it keep theirs, moved.
   */
  parseFile(adapter: DialectAdapter, file: string, maskedText: string): ParsedFile {
    this.beginRun();
    this.holdFile(maskedText.length);
    const last = this.fileRuns.get(file);
    const out: ParsedFile = { segments: [], parses: [] };
    const instances: Instance[] = [];
    const add = (segment: StatementSegment, instance: Instance): void => {
      out.segments.push(segment);
      out.parses.push(instance.parse);
      instances.push(instance);
    };
    if (!last || last.adapter !== adapter || !adapter.resumeSplit) {
      for (const segment of adapter.split(maskedText)) add(segment, this.instanceFor(adapter, file, maskedText, segment));
    } else {
      const before = last.masked;
      const prefix = commonPrefix(before, maskedText);
      const suffix = commonSuffix(before, maskedText, Math.min(before.length, maskedText.length) - prefix);
      const delta = maskedText.length - before.length;
      // Segments that end (with their terminator) in the shared start: same text, same place.
      let kept = 0;
      while (kept < last.segments.length && last.segments[kept]!.terminatorEnd <= prefix && endsWithTerminator(last.segments[kept]!)) kept++;
      for (let i = 0; i < kept; i++) add(last.segments[i]!, this.reuse(last.instances[i]!, last.segments[i]!.start) ?? this.instanceFor(adapter, file, maskedText, last.segments[i]!));
      // Old boundaries after which the rest of the text is the shared end, by where they fall now.
      const resumeAt = new Map<number, number>();
      for (let i = kept; i < last.segments.length; i++) {
        const segment = last.segments[i]!;
        if (endsWithTerminator(segment) && segment.terminatorEnd + delta >= maskedText.length - suffix) resumeAt.set(segment.terminatorEnd + delta, i + 1);
      }
      const from = kept > 0 ? last.segments[kept - 1]!.terminatorEnd : 0;
      let rest = -1;
      const { segments } = adapter.resumeSplit(maskedText, from, (terminatorEnd) => {
        rest = resumeAt.get(terminatorEnd) ?? -1;
        return rest >= 0;
      });
      for (const segment of segments) add(segment, this.instanceFor(adapter, file, maskedText, segment));
      if (rest >= 0) {
        for (let i = rest; i < last.segments.length; i++) {
          const old = last.segments[i]!;
          const segment = { start: old.start + delta, end: old.end + delta, terminatorEnd: old.terminatorEnd + delta };
          add(segment, this.reuse(last.instances[i]!, segment.start) ?? this.instanceFor(adapter, file, maskedText, segment));
        }
      }
    }
    this.fileRuns.delete(file);
    this.fileRuns.set(file, { adapter, masked: maskedText, segments: out.segments, instances });
    if (this.fileRuns.size > FILE_RUNS) this.fileRuns.delete(this.fileRuns.keys().next().value!);
    return out;
  }

  /** Last run's instance for a segment found again (at `start`), unless this run took it already or it was evicted. */
  private reuse(instance: Instance, start: number): Instance | undefined {
    if (instance.run === this.run || instance.evicted) return undefined;
    instance.run = this.run;
    moveAnchor(instance, start);
    instance.entry.lastUse = ++this.clock;
    return instance;
  }

  parse(adapter: DialectAdapter, file: string, maskedText: string, range: Range): SegmentParse {
    return this.instanceFor(adapter, file, maskedText, range).parse;
  }

  private instanceFor(adapter: DialectAdapter, file: string, maskedText: string, range: Range): Instance {
    let files = this.byAdapter.get(adapter);
    if (!files) this.byAdapter.set(adapter, (files = new Map()));
    let entries = files.get(file);
    if (!entries) files.set(file, (entries = new Map()));
    const key = maskedText.slice(range.start, range.end);
    let entry = entries.get(key);
    if (entry) {
      entry.lastUse = ++this.clock;
      // The instance that was at this very offset, else the first one this run has not taken.
      const atOffset = entry.byOffset.get(range.start);
      let free = atOffset && atOffset.run !== this.run && atOffset.anchor.offset === range.start ? atOffset : undefined;
      if (!free) {
        if (entry.cursorRun !== this.run) {
          entry.cursorRun = this.run;
          entry.cursor = 0;
        }
        while (entry.cursor < entry.instances.length && entry.instances[entry.cursor]!.run === this.run) entry.cursor++;
        free = entry.instances[entry.cursor];
      }
      if (free) {
        free.run = this.run;
        moveAnchor(free, range.start);
        return free;
      }
    } else {
      entry = { instances: [], byOffset: new Map(), cursor: 0, cursorRun: this.run, textLength: key.length, lastUse: ++this.clock };
      entries.set(key, entry);
    }
    const anchor: Anchor = { offset: range.start };
    const instance: Instance = { anchor, parse: parseAnchored(adapter, maskedText, range, anchor), run: this.run, entry };
    entry.instances.push(instance);
    entry.byOffset.set(range.start, instance);
    this.size += key.length;
    if (this.size > this.maxTextLength) this.evict();
    return instance;
  }

  clear(): void {
    for (const files of this.byAdapter.values()) for (const entries of files.values()) for (const entry of entries.values()) for (const i of entry.instances) i.evicted = true;
    this.byAdapter.clear();
    this.fileRuns.clear();
    this.size = 0;
  }

  /** Drops the least recently used entries down to 3/4 of the limit, so that eviction is rare. */
  private evict(): void {
    const all = [...this.byAdapter.values()].flatMap((files) => [...files.values()].flatMap((entries) => [...entries].map(([key, entry]) => ({ entries, key, entry }))));
    all.sort((a, b) => a.entry.lastUse - b.entry.lastUse);
    for (const { entries, key, entry } of all) {
      if (this.size <= (this.maxTextLength * 3) / 4) break;
      entries.delete(key);
      for (const instance of entry.instances) instance.evicted = true;
      this.size -= entry.textLength * entry.instances.length;
    }
    for (const files of this.byAdapter.values()) for (const [file, entries] of files) if (entries.size === 0) files.delete(file);
  }
}

function moveAnchor(instance: Instance, offset: number): void {
  const { byOffset } = instance.entry;
  if (byOffset.get(instance.anchor.offset) === instance) byOffset.delete(instance.anchor.offset);
  instance.anchor.offset = offset;
  byOffset.set(offset, instance);
}

/** How many characters `a` and `b` share at their start. */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters `a` and `b` share at their end, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

function parseAnchored(adapter: DialectAdapter, maskedText: string, range: Range, anchor: Anchor): SegmentParse {
  const { statements, error, skipped, notAnalysed } = parseWithinBudget(adapter, maskedText, { start: range.start, end: range.end });
  const parse = { statements, ...(error ? { error } : {}), ...(skipped !== undefined ? { skipped } : {}), ...(notAnalysed ? { notAnalysed } : {}) };
  anchorRanges(parse, anchor);
  return deepFreeze(parse);
}

/**
 * Replaces every `range` of the fresh parse (the model keeps positions in `range` fields only)
 * with an AnchoredRange; a range object reached twice stays shared. `raw` parser output holds
 * statement-relative positions only and is left as it is. Iterative: parser output can nest
 * thousands deep.
 */
function anchorRanges(root: object, anchor: Anchor): void {
  const anchored = new Map<object, AnchoredRange>();
  const seen = new Set<object>();
  const pending: object[] = [root];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const field = record[key];
      if (typeof field !== 'object' || field === null || key === 'raw') continue;
      if (key === 'range' && typeof (field as Range).start === 'number') {
        let range = anchored.get(field);
        if (!range) anchored.set(field, (range = new AnchoredRange(anchor, (field as Range).start - anchor.offset, (field as Range).end - anchor.offset)));
        record[key] = range;
      } else pending.push(field);
    }
  }
}

/** Freezes everything reachable; iterative, since parser output can nest thousands deep. */
function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) pending.push(item);
    } else {
      for (const key in v) {
        const field = (v as Record<string, unknown>)[key];
        if (typeof field === 'object' && field !== null) pending.push(field);
      }
    }
  }
  return value;
}
