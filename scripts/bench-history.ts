/**
 * The benchmark's history series (scripts/bench.ts): time and peak RSS against the size of a
 * migration history of many files. Memory should be bounded by the schema catalog and the largest
 * file, not grow with the number of files.
 *
 * The history at k× is the corpus's projects copied k times, without new SQL: copy 1 under the
 * original top-level folder names, copy j ≥ 2 under `<project>__copy<j>` (a file at the corpus's
 * top level becomes `<name>__copy<j>.sql`). The copies are written once, for the largest size, into
 * the bench's temp directory; size k is copies 1..k; they are deleted when the series ends.
 *
 * Both tools run cold (no cache), once per size, with the corpus table's flags, on the copies'
 * top-level folders: sqlwarden gets the folders (it searches them for *.sql), squawk a
 * `<folder>/**\/*.sql` glob per folder, since an explicit list of every file would pass the
 * command-line limit at a few times the corpus. sqlwarden's report lists every file it linted, and
 * the series checks that count.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fmt, measureProcess, measuringNote, type RunStatus } from './bench-measure.ts';

export interface HistoryTool {
  tool: 'sqlwarden' | 'squawk';
  command: string;
  /** The arguments for these top-level folders and files (relative to the history directory). */
  args: (entries: Array<{ name: string; directory: boolean }>) => string[];
}

export interface HistoryOptions {
  corpus: string;
  /** Every .sql file under the corpus. */
  files: string[];
  /** Sizes as whole multiples of the corpus, ascending. */
  multiples: number[];
  timeoutMs: number;
  rssLimitKb: number;
  tools: HistoryTool[];
  work: string;
}

interface HistoryPoint {
  multiple: number;
  files: number;
  bytes: number;
  status: RunStatus;
  detail?: string;
  wallMs: number;
  cpuS?: number;
  maxRssKb?: number;
  findings?: number;
  /** Files in sqlwarden's report (it lists every file it linted). */
  reportedFiles?: number;
  reportBytes?: number;
}

/** RSS growth as a share of linear growth: (RSS ratio − 1) / (input ratio − 1). From this share on, RSS is said to follow the history. */
export const RSS_LINEAR_FLAG = 0.5;
/** Time growing faster than the input by more than this factor is flagged as superlinear. */
export const TIME_MARGIN = 1.5;

export interface HistoryResult {
  multiples: number[];
  projects: string[];
  tools: Array<{
    tool: string;
    points: Array<{ multiple: number; files: number; mb: number; status: RunStatus; detail?: string; wallS: number; cpuS: number | null; peakRssMb: number | null; mbPerS: number; mbPerCpuS: number | null; findings: number | null; reportMb: number | null }>;
    /** Over the whole range: RSS growth as a share of linear, MB of RSS per added MB of SQL. */
    rssShareOfLinear: number | null;
    rssMbPerAddedMb: number | null;
    rssFollowsHistory: boolean | null;
  }>;
  markdown: string;
}

/** The name of copy `copy` (1-based) of a top-level entry of the corpus. */
function copyName(entry: string, directory: boolean, copy: number): string {
  if (copy === 1) return entry;
  return directory ? `${entry}__copy${copy}` : entry.replace(/\.sql$/, `__copy${copy}.sql`);
}

function writeCopies(options: HistoryOptions, dir: string, copies: number): Array<{ name: string; directory: boolean }> {
  const topLevel = readdirSync(options.corpus, { withFileTypes: true })
    .filter((entry) => options.files.some((file) => file === path.join(options.corpus, entry.name) || file.startsWith(path.join(options.corpus, entry.name) + path.sep)))
    .map((entry) => ({ name: entry.name, directory: entry.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let copy = 1; copy <= copies; copy++) {
    for (const file of options.files) {
      const relative = path.relative(options.corpus, file).split(path.sep);
      const directory = relative.length > 1;
      relative[0] = copyName(relative[0]!, directory, copy);
      const target = path.join(dir, ...relative);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
  return topLevel;
}

function countReport(tool: HistoryTool['tool'], outFile: string): { findings: number; reportedFiles?: number } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(outFile, 'utf8')) as unknown[];
    if (tool === 'squawk') return { findings: parsed.length };
    return { findings: (parsed as Array<{ messages: unknown[] }>).reduce((n, r) => n + r.messages.length, 0), reportedFiles: parsed.length };
  } catch {
    return undefined;
  }
}

export async function runHistory(options: HistoryOptions): Promise<HistoryResult> {
  const corpusBytes = options.files.reduce((sum, file) => sum + statSync(file).size, 0);
  const dir = path.join(options.work, 'history');
  const largest = Math.max(...options.multiples);
  const started = Date.now();
  const topLevel = writeCopies(options, dir, largest);
  console.error(`  history: ${largest} copies of ${options.files.length} files written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const outFile = path.join(options.work, 'history-out.json');

  const points = options.tools.map(() => [] as HistoryPoint[]);
  try {
    for (const multiple of options.multiples) {
      const entries = [];
      for (let copy = 1; copy <= multiple; copy++) entries.push(...topLevel.map((entry) => ({ name: copyName(entry.name, entry.directory, copy), directory: entry.directory })));
      for (const [index, tool] of options.tools.entries()) {
        const previous = points[index]!.at(-1);
        const base = { multiple, files: options.files.length * multiple, bytes: corpusBytes * multiple };
        // After a timeout or OOM a larger size cannot do better: not run again.
        if (previous && previous.status !== 'ok') {
          points[index]!.push({ ...base, status: previous.status, detail: 'not run (smaller size failed)', wallMs: Number.NaN });
          continue;
        }
        const measured = await measureProcess(tool.command, tool.args(entries), { cwd: dir, outFile, timeoutMs: options.timeoutMs, rssLimitKb: options.rssLimitKb });
        const counted = measured.status === 'ok' ? countReport(tool.tool, outFile) : undefined;
        const point: HistoryPoint = {
          ...base,
          status: measured.status,
          ...(measured.detail !== undefined ? { detail: measured.detail } : {}),
          wallMs: measured.wallMs,
          ...(measured.cpuS !== undefined ? { cpuS: measured.cpuS } : {}),
          ...(measured.maxRssKb !== undefined ? { maxRssKb: measured.maxRssKb } : {}),
          ...(counted ?? {}),
          reportBytes: statSync(outFile).size,
        };
        points[index]!.push(point);
        if (point.reportedFiles !== undefined && point.reportedFiles !== point.files) console.error(`  history: ${tool.tool} reported ${point.reportedFiles} files at ${multiple}×, expected ${point.files}`);
        console.error(
          `  history: ${multiple}× (${point.files} files, ${(point.bytes / 1e6).toFixed(1)} MB), ${tool.tool}: ${point.status === 'ok' ? `${(point.wallMs / 1000).toFixed(2)} s, CPU ${fmt(point.cpuS, 2)} s, ${fmt(point.maxRssKb === undefined ? undefined : point.maxRssKb / 1024, 0)} MB` : `${point.status} (${point.detail})`}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outFile, { force: true });
  }
  return report(options, topLevel.map((entry) => entry.name), points);
}

/** RSS growth between two points as a share of the input's growth: 0 flat, 1 proportional. */
function shareOfLinear(a: HistoryPoint, b: HistoryPoint): number | undefined {
  if (a.status !== 'ok' || b.status !== 'ok' || !a.maxRssKb || !b.maxRssKb) return undefined;
  return (b.maxRssKb / a.maxRssKb - 1) / (b.bytes / a.bytes - 1);
}

function rssVerdict(share: number): string {
  const percent = `${(share * 100).toFixed(0)}% of linear`;
  if (share >= 1.2) return `⚠ superlinear (${percent})`;
  if (share >= RSS_LINEAR_FLAG) return `⚠ close to linear (${percent})`;
  if (share >= 0.2) return `sublinear (${percent})`;
  return `flat-ish (${percent})`;
}

function report(options: HistoryOptions, projects: string[], points: HistoryPoint[][]): HistoryResult {
  const mb = (bytes: number) => bytes / 1e6;
  const lines: string[] = [];
  lines.push('| tool | history | files | MB | wall s | CPU s | peak RSS MB | MB/s | MB per CPU s | findings | time growth (linear) | RSS growth | RSS vs linear |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const summaries: string[] = [];
  const tools: HistoryResult['tools'] = [];
  for (const [index, tool] of options.tools.entries()) {
    const series = points[index]!;
    for (const [i, p] of series.entries()) {
      const cells = [tool.tool, `${p.multiple}×`, p.files.toLocaleString('en-US'), mb(p.bytes).toFixed(2)];
      if (p.status !== 'ok') {
        lines.push(`| ${cells.join(' | ')} | ${p.status} (${p.detail}) | | | | | | | | |`);
        continue;
      }
      const previous = i > 0 ? series[i - 1] : undefined;
      let timeGrowth = '—';
      let rssGrowth = '—';
      let versus = '—';
      if (previous?.status === 'ok') {
        const linear = p.bytes / previous.bytes;
        const [now, before, what] = p.cpuS !== undefined && previous.cpuS !== undefined && previous.cpuS > 0 ? [p.cpuS, previous.cpuS, 'CPU'] : [p.wallMs, previous.wallMs, 'wall'];
        const ratio = now / before;
        timeGrowth = `${what} ${ratio.toFixed(2)}× (${linear.toFixed(2)}×)${ratio > linear * TIME_MARGIN ? ' ⚠' : ''}`;
        const share = shareOfLinear(previous, p);
        if (share !== undefined) {
          rssGrowth = `${(p.maxRssKb! / previous.maxRssKb!).toFixed(2)}×`;
          versus = `${rssVerdict(share)}, ${((p.maxRssKb! - previous.maxRssKb!) / 1024 / mb(p.bytes - previous.bytes)).toFixed(1)} MB per added MB`;
        }
      }
      const wallS = p.wallMs / 1000;
      lines.push(
        `| ${cells.join(' | ')} | ${wallS.toFixed(2)} | ${fmt(p.cpuS, 2)} | ${fmt(p.maxRssKb === undefined ? undefined : p.maxRssKb / 1024, 0)} | ${(mb(p.bytes) / wallS).toFixed(2)} | ${fmt(p.cpuS === undefined ? undefined : mb(p.bytes) / p.cpuS, 2)} | ${p.findings?.toLocaleString('en-US') ?? 'n/a'} | ${timeGrowth} | ${rssGrowth} | ${versus} |`,
      );
    }
    const ok = series.filter((p) => p.status === 'ok' && p.maxRssKb);
    const first = ok[0];
    const last = ok.at(-1);
    const share = first && last && last !== first ? shareOfLinear(first, last) : undefined;
    const perMb = share !== undefined ? (last!.maxRssKb! - first!.maxRssKb!) / 1024 / mb(last!.bytes - first!.bytes) : undefined;
    if (share !== undefined) {
      summaries.push(
        `- ${tool.tool}: peak RSS ${(first!.maxRssKb! / 1024).toFixed(0)} → ${(last!.maxRssKb! / 1024).toFixed(0)} MB for ${mb(first!.bytes).toFixed(1)} → ${mb(last!.bytes).toFixed(1)} MB of SQL (${first!.multiple}× → ${last!.multiple}×): ${rssVerdict(share)}, ${perMb!.toFixed(1)} MB of RSS per added MB of SQL.`,
      );
    }
    tools.push({
      tool: tool.tool,
      points: series.map((p) => ({
        multiple: p.multiple,
        files: p.files,
        mb: mb(p.bytes),
        status: p.status,
        ...(p.detail !== undefined ? { detail: p.detail } : {}),
        wallS: p.wallMs / 1000,
        cpuS: p.cpuS ?? null,
        peakRssMb: p.maxRssKb === undefined ? null : p.maxRssKb / 1024,
        mbPerS: mb(p.bytes) / (p.wallMs / 1000),
        mbPerCpuS: p.cpuS === undefined ? null : mb(p.bytes) / p.cpuS,
        findings: p.findings ?? null,
        reportMb: p.reportBytes === undefined ? null : mb(p.reportBytes),
      })),
      rssShareOfLinear: share ?? null,
      rssMbPerAddedMb: perMb ?? null,
      rssFollowsHistory: share === undefined ? null : share >= RSS_LINEAR_FLAG,
    });
  }
  const sqlwardenIndex = options.tools.findIndex((t) => t.tool === 'sqlwarden');
  const reports = sqlwardenIndex === -1 ? [] : points[sqlwardenIndex]!.filter((p) => p.reportBytes !== undefined && p.status === 'ok');
  const mismatched = points.flatMap((series, index) => series.filter((p) => p.reportedFiles !== undefined && p.reportedFiles !== p.files).map((p) => `${options.tools[index]!.tool} reported ${p.reportedFiles} files at ${p.multiple}× (expected ${p.files})`));
  const corpusFiles = options.files.length;
  const markdown = `## History: many migration files (${new Date().toISOString().slice(0, 10)})

${lines.join('\n')}

${summaries.join('\n')}
- Input: the corpus's ${projects.length} project${projects.length === 1 ? '' : 's'} (${corpusFiles.toLocaleString('en-US')} files) copied k times into a temp directory: copy 1 under the original folder names, copy j ≥ 2 under \`<project>__copy<j>\`. No new SQL: k× the files and bytes of the corpus.
- One cold run per tool and size (no cache), same rules and flags as the corpus table; the tools get the copies' top-level folders (sqlwarden: the folders, which it searches for *.sql; squawk: a \`<folder>/**/*.sql\` glob each)${mismatched.length ? `. ⚠ ${mismatched.join('; ')}` : ', and sqlwarden reported every file at every size'}. Wall time from spawn to exit; CPU and peak RSS: ${measuringNote}. A run over ${options.timeoutMs / 1000} s or ${options.rssLimitKb / 1024} MB is stopped.
- What this measures: sqlwarden replays every file of a run into one schema catalog, folder by folder (each copy right after the one before it). The copies recreate the same object names, which collide in the catalog instead of adding to it, so the catalog stays about as large as the corpus's schema while the number of files grows k-fold: RSS growth here comes from what a run keeps per file (results, the report, sources), not from a larger schema. A real history k times as long would also have a larger catalog. The copies' findings differ from the originals' (their statements meet objects that already exist), so findings do not scale exactly k-fold. squawk checks each file alone, with no catalog.
- ${reports.length ? `sqlwarden's \`-f json\` report embeds every file's source: ${reports.map((p) => `${mb(p.reportBytes!).toFixed(0)} MB at ${p.multiple}×`).join(', ')}; a run that builds the whole report before writing it holds about that much (as JS strings) on top of the catalog.` : 'No sqlwarden report size (no successful run).'}
- Time growth = CPU time (wall time without GNU time) at a size / at the previous size, against the input's growth in parentheses; ⚠ when over linear × ${TIME_MARGIN}. RSS vs linear = (RSS growth − 1) / (input growth − 1): 0% flat, 100% proportional to the input; "⚠ close to linear" from ${RSS_LINEAR_FLAG * 100}% (the target is flat-ish: memory bounded by the schema catalog and the largest file). "MB per added MB" = added peak RSS / added MB of SQL.`;
  return { multiples: options.multiples, projects, tools, markdown };
}
