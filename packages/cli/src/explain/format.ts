import { createColors } from 'picocolors';
import { wrapText, wrapWidth } from '../formatters/terminal.ts';
import { statementHead } from '../trace/format.ts';
import type { ExplainFile, ExplainFinding, ExplainLock, ExplainReport, ExplainStatement } from './model.ts';

type Colors = ReturnType<typeof createColors>;

const MODE_TEXT: Record<ExplainFile['transactionMode'], string> = {
  wrapped: 'the migration tool wraps it in one transaction',
  implicit: 'sent as one query string: one implicit transaction',
  none: 'each statement commits on its own unless the file says BEGIN',
};

const TRANSACTION_TEXT: Record<'wrapped' | 'implicit' | 'explicit', string> = {
  wrapped: "inside the migration tool's transaction",
  implicit: 'inside the implicit transaction of the query string',
  explicit: "inside the file's BEGIN ... COMMIT",
};

const REWRITE_TEXT: Record<ExplainStatement['rewrite'], string> = {
  none: '',
  index: 'rebuilds indexes',
  table: 'rewrites the whole table',
  table_and_indexes: 'rewrites the whole table and its indexes',
};

const SCAN_TEXT: Record<ExplainStatement['scan'], string> = {
  none: '',
  table: 'scans the whole table',
  two_table_scans: 'scans the table twice',
};

/**
 * `explain`'s text: per file, per statement its locks, work, transaction and notes, then its
 * findings, each a headline followed by its detail wrapped to `width` columns (80 by default).
 */
export function formatExplainText(report: ExplainReport, options: { color: boolean; width?: number }): string {
  const c = createColors(options.color);
  const width = wrapWidth(options.width);
  const out: string[] = [];
  for (const file of report.files) {
    if (out.length > 0) out.push('');
    const up = file.statements.filter((st) => st.section === 'up');
    const toolIds = new Set(up.filter((st) => st.transaction.kind === 'wrapped').map((st) => st.transaction.id));
    const inParts = file.transactionMode === 'wrapped' && (toolIds.size > 1 || up.some((st) => st.transaction.kind === null));
    const mode = inParts ? 'the migration tool runs its parts in separate transactions, some statements on their own' : MODE_TEXT[file.transactionMode];
    const what = `${file.isMigration ? 'migration' : 'not a migration'}; ${mode}`;
    out.push(`${c.underline(file.path)}  ${c.dim(`(${what}; PostgreSQL ${report.postgresVersion})`)}`);
    if (file.statements.length === 0) out.push(c.dim('  no statements'));
    for (const stmt of file.statements) out.push('', ...formatStatement(stmt, c, width));
    for (const finding of file.otherFindings) out.push(...formatFinding(finding, c, '  ', width));
  }
  const statements = report.files.reduce((n, f) => n + f.statements.length, 0);
  const findings = report.files.reduce((n, f) => n + f.otherFindings.length + f.statements.reduce((m, s) => m + s.findings.length, 0), 0);
  out.push('', c.dim(`${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${statements} statement${statements === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'}.`));
  return `${out.join('\n')}\n`;
}

const LABEL_WIDTH = 12;

function row(label: string, text: string, c: Colors): string {
  return `       ${c.dim(label.padEnd(LABEL_WIDTH))} ${text}`;
}

function formatStatement(stmt: ExplainStatement, c: Colors, width: number): string[] {
  const out: string[] = [];
  const down = stmt.section === 'down' ? c.dim(' (down section: not run on migrate)') : '';
  out.push(`  ${`${stmt.line}:${stmt.column}`.padEnd(5)}${c.bold(statementHead(stmt.text, 90))}${down}`);
  out.push(`       ${stmt.modelled ? stmt.summary : c.yellow(stmt.summary)}`);
  if (stmt.locks.length > 0) {
    const width = Math.max(...stmt.locks.map((l) => l.relation.length));
    stmt.locks.forEach((lock, i) => out.push(row(i === 0 ? 'locks' : '', formatLock(lock, width, c), c)));
  }
  const work = [REWRITE_TEXT[stmt.rewrite], stmt.rewrite === 'none' ? SCAN_TEXT[stmt.scan] : ''].filter(Boolean).join(' and ');
  if (work) out.push(row('work', c.yellow(work), c));
  if (stmt.locks.length > 0 && !stmt.transaction.conflict) out.push(row('held', stmt.locksHeldUntil.description, c));
  const tx = stmt.transaction.kind ? TRANSACTION_TEXT[stmt.transaction.kind] : 'autocommit (no transaction block)';
  if (stmt.transaction.conflict) out.push(row('transaction', c.red(stmt.transaction.conflict), c));
  else if (!stmt.canRunInTransaction) out.push(row('transaction', `${tx}; it cannot run inside a transaction block`, c));
  else out.push(row('transaction', tx, c));
  if (stmt.effects.length > 1) {
    stmt.effects.forEach((effect, i) => out.push(row(i === 0 ? 'parts' : '', `${effect.sql}: ${effect.summary}`, c)));
  }
  const notes = [...new Set(stmt.effects.flatMap((e) => e.notes))];
  notes.forEach((note, i) => out.push(row(i === 0 ? 'note' : '', c.dim(note), c)));
  const uncertain = [...new Set(stmt.effects.flatMap((e) => (e.uncertain ? [e.uncertain] : [])))];
  uncertain.forEach((u, i) => out.push(row(i === 0 ? 'depends on' : '', c.yellow(u), c)));
  const blocking = stmt.locks.some((l) => l.blocks.writes);
  const safer = [...new Set(stmt.effects.flatMap((e) => (e.saferAlternative ? [e.saferAlternative] : [])))];
  if (blocking || stmt.findings.length > 0) safer.forEach((s, i) => out.push(row(i === 0 ? 'safer' : '', s, c)));
  for (const finding of stmt.findings) out.push(...formatFinding(finding, c, '       ', width));
  return out;
}

function formatLock(lock: ExplainLock, width: number, c: Colors): string {
  const mode = lock.blocks.reads ? c.red(lock.mode) : lock.blocks.writes ? c.yellow(lock.mode) : lock.mode;
  const name = lock.unresolved ? c.italic(lock.relation) : lock.relation;
  return `${name}${' '.repeat(Math.max(0, width - lock.relation.length))}  ${mode}  ${c.dim(lock.blocksText)}${lock.note ? c.dim(` (${lock.note})`) : ''}`;
}

/** The headline row, then the detail indented under the headline's text. */
function formatFinding(finding: ExplainFinding, c: Colors, indent: string, width: number): string[] {
  const label = finding.severity === 'error' ? c.red('✖ error') : c.yellow('⚠ warning');
  const plainLabel = finding.severity === 'error' ? '✖ error' : '⚠ warning';
  const out = [`${indent}${label}  ${finding.message.replace(/\s*\r?\n\s*/g, ' ')}  ${c.dim(`${finding.ruleId} ${finding.line}:${finding.column}`)}`];
  if (finding.detail) {
    const detailIndent = ' '.repeat(indent.length + plainLabel.length + 2);
    for (const line of wrapText(finding.detail, Math.max(20, width - detailIndent.length))) out.push(line === '' ? '' : `${detailIndent}${line}`);
  }
  return out;
}
