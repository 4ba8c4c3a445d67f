/**
 * The benchmark's scale series (scripts/bench.ts): cost must grow linearly with the number of
 * statements in one file. For each series one file of 10k, 50k and 100k statements
 * (`--scale-sizes`), under a migrations/ folder:
 *   - `ALTER TABLE t ADD COLUMN cN int;` and `CREATE INDEX iN ON t (a);` (DDL on one table, after
 *     one CREATE TABLE t);
 *   - `BEGIN;` and `SELECT 1;` repeated;
 *   - a schema dump: the CREATE TABLE, CREATE INDEX and ALTER TABLE ... ADD CONSTRAINT statements
 *     of the corpus's migrations in path order, every object name suffixed per copy (`_1`, `_2`,
 *     ...) so that the copies do not collide, repeated up to the size.
 * Each point is one cold run of each tool (same flags as the corpus table), wall time and peak RSS.
 * A run over `--scale-timeout` seconds is killed and shown as "timeout", one over
 * `--scale-rss-limit` MB or dying of V8's heap limit as "OOM". Growth = value at a size divided by
 * the value at the previous size, against linear (the size ratio: 5× and 2×); flagged when over
 * linear × `--scale-margin`. Start-up is included, which flatters small sizes: a baseline line
 * gives each tool's time and RSS on a one-statement file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gnuTime, measureProcess, type RunStatus } from './bench-measure.ts';
import { statements as sqlStatements } from './fuzz/sql-text.ts';

export interface ScaleTool {
  tool: 'sqlwarden' | 'squawk';
  command: string;
  /** The arguments for one file. */
  args: (file: string) => string[];
}

export interface ScaleOptions {
  /** The corpus's .sql files, sorted (the dump series is built from them; none: no dump series). */
  files: string[];
  corpus: string;
  sizes: number[];
  timeoutMs: number;
  rssLimitKb: number;
  margin: number;
  /** Only these series (keys), when given. */
  seriesFilter?: string[];
  tools: ScaleTool[];
  work: string;
}

interface ScalePoint {
  wallMs: number;
  /** User + system seconds, when GNU time measured them. */
  cpuS?: number;
  /** 0 when unknown. */
  maxRssKb: number;
  status: RunStatus;
  detail?: string;
}

export interface ScaleResult {
  sizes: number[];
  baseline: Array<{ tool: string; wallS: number; peakRssMb: number }>;
  series: Array<{ key: string; series: string; tool: string; bytes: number[]; points: Array<{ statements: number; status: RunStatus; detail?: string; wallS: number | null; cpuS: number | null; peakRssMb: number | null }>; linear: boolean }>;
  markdown: string;
}

/** Object names after the keywords that name them in DDL (table, index, constraint, referenced table). */
const NAME = String.raw`((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)`;
const NAMED_AFTER = new RegExp(
  String.raw`(\bCREATE\s+(?:(?:UNLOGGED|TEMP|TEMPORARY|GLOBAL|LOCAL)\s+)*TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?|\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?|\bON\s+(?!(?:UPDATE|DELETE|CONFLICT|COMMIT|TABLE|SCHEMA)\b)(?:ONLY\s+)?|\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?|\bCONSTRAINT\s+|\bREFERENCES\s+|\bPARTITION\s+OF\s+|\bINHERITS\s*\(\s*)` + NAME,
  'gi',
);
const DUMP_STATEMENT = /^(?:CREATE\s+(?:(?:UNLOGGED)\s+)?TABLE\b(?![\s\S]*?\bAS\s+(?:SELECT|WITH|VALUES)\b)|CREATE\s+(?:UNIQUE\s+)?INDEX\b|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?\S+\s+ADD\s+CONSTRAINT\b)/i;

function suffixName(name: string, suffix: string): string {
  const parts = name.split(/\s*\.\s*(?=(?:"|[A-Za-z_]))/);
  const last = parts.pop()!;
  const renamed = last.startsWith('"') ? `${last.slice(0, -1)}${suffix}"` : `${last}${suffix}`;
  return [...parts, renamed].join('.');
}

/** The corpus's schema DDL, one statement per entry, each ending with `;` (comments stripped from its start). */
export function dumpTemplates(files: string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    for (const raw of sqlStatements(readFileSync(file, 'utf8'))) {
      const statement = raw.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '').trim();
      if (!statement.endsWith(';') || !DUMP_STATEMENT.test(statement) || statement.includes('$')) continue;
      out.push(statement);
    }
  }
  return out;
}

export function dumpFile(count: number, templates: string[]): string {
  const lines: string[] = [];
  for (let copy = 1; lines.length < count; copy++) {
    const suffix = `_${copy}`;
    const before = lines.length;
    for (const template of templates) {
      if (lines.length >= count) break;
      lines.push(template.replace(NAMED_AFTER, (_all, keyword: string, name: string) => keyword + suffixName(name, suffix)));
    }
    if (lines.length === before) break;
  }
  return `${lines.join('\n')}\n`;
}

const repeatLines = (count: number, line: (i: number) => string): string => {
  const parts: string[] = new Array(count);
  for (let i = 0; i < count; i++) parts[i] = line(i);
  return `${parts.join('\n')}\n`;
};

interface ScaleSeries {
  key: 'add-column' | 'create-index' | 'begin' | 'select' | 'dump';
  name: string;
  make: (count: number) => string;
}

async function measurePoint(tool: ScaleTool, file: string, options: ScaleOptions): Promise<ScalePoint> {
  const measured = await measureProcess(tool.command, tool.args(file), { cwd: options.work, outFile: path.join(options.work, 'scale-out.json'), timeoutMs: options.timeoutMs, rssLimitKb: options.rssLimitKb });
  return { wallMs: measured.wallMs, ...(measured.cpuS !== undefined ? { cpuS: measured.cpuS } : {}), maxRssKb: measured.maxRssKb ?? 0, status: measured.status, ...(measured.detail !== undefined ? { detail: measured.detail } : {}) };
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const { sizes: scaleSizes, timeoutMs: scaleTimeoutMs, rssLimitKb: scaleRssLimitKb, margin: scaleMargin, tools } = options;
  const templates = dumpTemplates(options.files);
  let series: ScaleSeries[] = [
    { key: 'add-column', name: 'ALTER TABLE t ADD COLUMN cN int', make: (n) => `CREATE TABLE t (a int);\n${repeatLines(n - 1, (i) => `ALTER TABLE t ADD COLUMN c${i} int;`)}` },
    { key: 'create-index', name: 'CREATE INDEX iN ON t (a)', make: (n) => `CREATE TABLE t (a int);\n${repeatLines(n - 1, (i) => `CREATE INDEX i${i} ON t (a);`)}` },
    { key: 'begin', name: 'BEGIN; repeated', make: (n) => repeatLines(n, () => 'BEGIN;') },
    { key: 'select', name: 'SELECT 1; repeated', make: (n) => repeatLines(n, () => 'SELECT 1;') },
  ];
  if (templates.length > 0) series.push({ key: 'dump', name: `schema dump (${templates.length} corpus DDL statements, renamed per copy)`, make: (n) => dumpFile(n, templates) });
  else console.error(`  scale: no corpus at ${options.corpus}: the schema-dump series is skipped`);
  if (options.seriesFilter) series = series.filter((s) => options.seriesFilter!.includes(s.key));

  const dir = path.join(options.work, 'scale', 'migrations');
  mkdirSync(dir, { recursive: true });
  // Start-up cost, to read the small sizes against.
  const baselineFile = path.join(dir, 'baseline.sql');
  writeFileSync(baselineFile, 'SELECT 1;\n');
  const baseline: Array<readonly [string, ScalePoint]> = [];
  for (const t of tools) baseline.push([t.tool, await measurePoint(t, baselineFile, options)]);

  const results: Array<{ key: string; series: string; tool: string; bytes: number[]; points: ScalePoint[] }> = [];
  for (const s of series) {
    const entries = tools.map((t) => ({ key: s.key, series: s.name, tool: t.tool, bytes: [] as number[], points: [] as ScalePoint[] }));
    let stopped = tools.map(() => false);
    for (const size of scaleSizes) {
      const file = path.join(dir, `scale-${size}.sql`);
      const text = s.make(size);
      writeFileSync(file, text);
      for (const [index, t] of tools.entries()) {
        const entry = entries[index]!;
        entry.bytes.push(Buffer.byteLength(text));
        // After a timeout or OOM a larger size cannot do better: not run again.
        if (stopped[index]) {
          entry.points.push({ wallMs: Number.NaN, maxRssKb: Number.NaN, status: entry.points[entry.points.length - 1]!.status, detail: 'not run (smaller size failed)' });
          continue;
        }
        const point = await measurePoint(t, file, options);
        entry.points.push(point);
        if (point.status !== 'ok') stopped = stopped.map((v, i) => (i === index ? true : v));
        console.error(`  scale: ${s.name}, ${size} statements, ${t.tool}: ${point.status === 'ok' ? `${(point.wallMs / 1000).toFixed(2)} s, ${(point.maxRssKb / 1024).toFixed(0)} MB` : `${point.status} (${point.detail})`}`);
      }
      rmSync(file, { force: true });
    }
    results.push(...entries);
  }

  const k = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
  const cell = (p: ScalePoint, what: 'time' | 'rss') => {
    if (p.status !== 'ok') {
      if (Number.isNaN(p.wallMs)) return `(${p.status})`;
      if (p.status === 'timeout') return what === 'time' ? `timeout (> ${scaleTimeoutMs / 1000} s)` : p.maxRssKb > 0 ? `≥ ${(p.maxRssKb / 1024).toFixed(0)}` : 'n/a';
      if (p.status === 'OOM') return what === 'time' ? `OOM (${p.detail})` : `> ${(scaleRssLimitKb / 1024).toFixed(0)}`;
      return what === 'time' ? `${p.status} (${p.detail})` : 'n/a';
    }
    return what === 'time' ? (p.wallMs / 1000).toFixed(2) : p.maxRssKb > 0 ? (p.maxRssKb / 1024).toFixed(0) : 'n/a';
  };
  const growth = (points: ScalePoint[], i: number, what: 'time' | 'rss'): { text: string; flagged: boolean } => {
    const linear = scaleSizes[i]! / scaleSizes[i - 1]!;
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.status !== 'ok') return { text: '—', flagged: false };
    // Time growth from CPU time when both runs have it: wall time on a shared machine also counts waiting for a core.
    const byCpu = what === 'time' && a.cpuS !== undefined && b.cpuS !== undefined && a.cpuS > 0;
    const value = (p: ScalePoint) => (what === 'time' ? (byCpu ? p.cpuS! : p.wallMs) : p.maxRssKb);
    if (b.status !== 'ok') {
      if (Number.isNaN(b.wallMs)) return { text: '—', flagged: true };
      // A timeout is at least the limit: a lower bound on the ratio.
      const lower = what === 'time' && b.status === 'timeout' ? ` (> ${(scaleTimeoutMs / a.wallMs).toFixed(1)}× wall)` : '';
      return { text: `${b.status}${lower}`, flagged: true };
    }
    if (!(value(a) > 0) || !(value(b) > 0)) return { text: 'n/a', flagged: false };
    const ratio = value(b) / value(a);
    const flagged = ratio > linear * scaleMargin;
    return { text: `${ratio.toFixed(2)}×${flagged ? ' ⚠' : ''}`, flagged };
  };
  const steps = scaleSizes.slice(1).map((size, i) => `${k(size)}/${k(scaleSizes[i]!)}`);
  const lines: string[] = [];
  lines.push(`| series | tool | ${scaleSizes.map((n) => `${k(n)} s`).join(' | ')} | ${steps.map((s) => `time ${s}`).join(' | ')} | ${scaleSizes.map((n) => `${k(n)} MB`).join(' | ')} | ${steps.map((s) => `RSS ${s}`).join(' | ')} | linear? |`);
  lines.push(`|---|---|${scaleSizes.map(() => '---:').join('|')}|${steps.map(() => '---:').join('|')}|${scaleSizes.map(() => '---:').join('|')}|${steps.map(() => '---:').join('|')}|---|`);
  const flaggedSeries: string[] = [];
  const linearity = new Map<(typeof results)[number], boolean>();
  for (const r of results) {
    const timeGrowth = scaleSizes.slice(1).map((_, j) => growth(r.points, j + 1, 'time'));
    const rssGrowth = scaleSizes.slice(1).map((_, j) => growth(r.points, j + 1, 'rss'));
    const worse = [...timeGrowth, ...rssGrowth].some((g) => g.flagged) || r.points.some((p) => p.status !== 'ok');
    linearity.set(r, !worse);
    if (worse) flaggedSeries.push(`${r.tool}: ${r.series}`);
    lines.push(`| ${r.series} | ${r.tool} | ${r.points.map((p) => cell(p, 'time')).join(' | ')} | ${timeGrowth.map((g) => g.text).join(' | ')} | ${r.points.map((p) => cell(p, 'rss')).join(' | ')} | ${rssGrowth.map((g) => g.text).join(' | ')} | ${worse ? '**no**' : 'yes'} |`);
  }
  const sizes = results.filter((r) => r.tool === 'sqlwarden').map((r) => `${r.series}: ${r.bytes.map((b) => `${(b / 1e6).toFixed(2)} MB`).join(' / ')}`);
  const markdown = `## Scale: statements in one file (${new Date().toISOString().slice(0, 10)})

${lines.join('\n')}

- One cold run per point, the file under migrations/, same flags as the corpus comparison (sqlwarden: all rules, \`-f json\`; squawk: JSON reporter). Wall time from spawn to exit; peak RSS from ${gnuTime ? '`/usr/bin/time -v` (maximum resident set size; sampled VmHWM for killed runs)' : 'VmHWM sampled every 20 ms'}.
- Growth = value / value at the previous size (time: CPU time when measured, else wall time); linear is ${scaleSizes.slice(1).map((n, i) => `${(n / scaleSizes[i]!).toFixed(0)}×`).join(' and ')}; ⚠ and "linear? **no**" when a step is over linear × ${scaleMargin}, or a run timed out (> ${scaleTimeoutMs / 1000} s), ran out of memory (RSS > ${scaleRssLimitKb / 1024} MB or V8's heap limit) or was refused (sqlwarden's exit 2, e.g. a file over its size limit).
- Start-up baseline (one-statement file): ${baseline.map(([tool, p]) => `${tool} ${(p.wallMs / 1000).toFixed(2)} s, ${(p.maxRssKb / 1024).toFixed(0)} MB`).join('; ')}.
- File sizes (${scaleSizes.map(k).join(' / ')}): ${sizes.join('; ')}.
${flaggedSeries.length ? `- Not linear: ${flaggedSeries.join('; ')}.` : '- Every series grew linearly or better.'}`;

  const ok = (p: ScalePoint, value: number) => (p.status === 'ok' && value > 0 ? value : null);
  return {
    sizes: scaleSizes,
    baseline: baseline.map(([tool, p]) => ({ tool, wallS: p.wallMs / 1000, peakRssMb: p.maxRssKb / 1024 })),
    series: results.map((r) => ({
      key: r.key,
      series: r.series,
      tool: r.tool,
      bytes: r.bytes,
      points: r.points.map((p, i) => ({ statements: scaleSizes[i]!, status: p.status, ...(p.detail !== undefined ? { detail: p.detail } : {}), wallS: ok(p, p.wallMs / 1000), cpuS: p.status === 'ok' ? (p.cpuS ?? null) : null, peakRssMb: ok(p, p.maxRssKb / 1024) })),
      linear: linearity.get(r)!,
    })),
    markdown,
  };
}
