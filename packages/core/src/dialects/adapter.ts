import type { UnparsedCreate } from '../catalog/types.ts';
import type { Range, Statement } from '../model/nodes.ts';
import type { StatementSegment } from '../source/split.ts';
import type { Dialect } from '../types.ts';
import type { Token } from './postgres/locator.ts';

export interface ParsedSegment {
  /** Usually one; more when the splitter could not separate statements the parser did. */
  statements: Statement[];
  error?: { message: string; range: Range };
  /** Set when the text cannot be parsed for a reason that is not a syntax error of the SQL. */
  skipped?: string;
  /** Set when the engine did not analyse the statement (see parse-budget.ts); reported as `not-analysed`. */
  notAnalysed?: { message: string; range: Range };
  /** The segment's lexical tokens in file offsets (empty when the lexer itself failed). */
  tokens: Token[];
}

/** Everything dialect-specific the engine needs: splitting, parsing and conversion to the model. */
export interface DialectAdapter {
  dialect: Dialect;
  init(): Promise<void>;
  split(maskedText: string): StatementSegment[];
  /**
   * `split` from `from` (0, or the `terminatorEnd` of a segment that ended with its terminator),
   * stopping after a terminated segment for which `stopAfter` is true. Lets the engine re-split
   * only the part of an edited file that changed; adapters without it are always split whole.
   */
  resumeSplit?(maskedText: string, from: number, stopAfter: (terminatorEnd: number) => boolean): { segments: StatementSegment[]; stopped: boolean };
  /** Parse the statement at `range` of the (masked) file text. Must not throw. */
  parseSegment(maskedText: string, range: Range): ParsedSegment;
  /** For a statement that did not parse: the relation its head shows it creates, if any. Must not throw. */
  unparsedCreate?(maskedText: string, range: Range): UnparsedCreate | undefined;
}

export type { Token };
