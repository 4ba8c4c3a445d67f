/**
 * Names in messages as the source writes them. Before parsing, a template placeholder that stands
 * for a name (`{{ .Schema }}`, `${schema}`) is masked as an `x___` identifier of the same length,
 * and a psql variable (`:schema`) is replaced the same way by the PostgreSQL adapter when it has to
 * stand for a name; the model, the catalog and so the messages hold that stand-in. Here each
 * stand-in in a message is put back as written: the placeholder of that length in the statement
 * the message is about, else the nearest one before it in the file.
 */
import type { Range } from '../model/nodes.ts';
import type { MaskResult } from './mask.ts';

/** An `x___` stand-in as a whole word of a message. */
const STAND_IN = /(?<![\w$\u0080-\uffff])x_+(?![\w$\u0080-\uffff])/g;
/** A psql variable reference `:name` (not `::`, not a slice `a[1:n]`, not `:=`). */
const PSQL_VARIABLE = /(?<![\w$:"\])\u0080-\uffff]):[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/g;

interface Placeholder {
  start: number;
  end: number;
  written: string;
}

export class PlaceholderNames {
  private placeholders: Placeholder[] | undefined;

  constructor(
    private readonly original: string,
    private readonly masked: MaskResult,
    /** The range of the statement that holds an offset, when there is one. */
    private readonly statementAt: (offset: number) => Range | undefined,
  ) {}

  /** In text order. */
  private all(): Placeholder[] {
    if (this.placeholders) return this.placeholders;
    const out: Placeholder[] = [];
    for (const region of this.masked.regions) {
      if (region.kind !== 'template' || this.masked.text[region.start] !== 'x') continue;
      out.push({ start: region.start, end: region.end, written: this.original.slice(region.start, region.end).trim() });
    }
    if (this.masked.text.includes(':')) {
      for (const m of this.masked.text.matchAll(PSQL_VARIABLE)) out.push({ start: m.index, end: m.index + m[0].length, written: m[0] });
    }
    return (this.placeholders = out.sort((a, b) => a.start - b.start));
  }

  /** `message` with each `x___` stand-in replaced by the placeholder it stands for. */
  unmask(message: string, at: Range): string {
    if (!message.includes('x_')) return message;
    return message.replace(STAND_IN, (standIn) => this.placeholderFor(standIn.length, at)?.written ?? standIn);
  }

  private placeholderFor(length: number, at: Range): Placeholder | undefined {
    const sameLength = this.all().filter((p) => p.end - p.start === length);
    if (sameLength.length === 0) return undefined;
    const statement = this.statementAt(at.start) ?? at;
    const inStatement = sameLength.find((p) => p.start >= statement.start && p.end <= statement.end);
    if (inStatement) return inStatement;
    let before: Placeholder | undefined;
    for (const p of sameLength) if (p.end <= statement.start) before = p;
    return before ?? sameLength[0];
  }
}
