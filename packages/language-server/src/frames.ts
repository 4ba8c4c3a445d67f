/**
 * Watches the LSP byte stream on stdin for framing errors. vscode-jsonrpc's reader reports a
 * bad header (no Content-Length, a non-numeric one) only to an error event nothing can act on,
 * and then leaves whatever followed it unread until more bytes arrive: the server stays alive
 * but silent. After a bad header the message boundaries are lost (where did its body end?), so
 * the only sound answer is to say so on stderr and exit non-zero; an LSP client then restarts
 * the server, as VS Code does. Messages are not altered: this only reads the same chunks.
 */

/** A header section longer than this has no blank line where one belongs. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Above V8's string limit a message could not be decoded anyway; a bigger length is garbage. */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

const HEADER_END = Buffer.from('\r\n\r\n');

export interface FrameError {
  /** One line: what is wrong. */
  reason: string;
  /** The offending header as received (escaped, shortened). */
  header: string;
}

function shown(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 200).toString('latin1'));
  return bytes.length > 200 ? `${text}...` : text;
}

/** What is wrong with one header section (without its final blank line), or undefined. */
function headerProblem(header: Buffer): string | undefined {
  let length: string | undefined;
  for (const line of header.toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `header line ${JSON.stringify(line.slice(0, 60))} is not "Name: value"`;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-length') length = line.slice(colon + 1).trim();
  }
  if (length === undefined) return 'the header has no Content-Length';
  if (!/^\d+$/.test(length)) return `Content-Length ${JSON.stringify(length.slice(0, 40))} is not a whole number of bytes`;
  if (Number(length) > MAX_MESSAGE_BYTES) return `Content-Length ${length} exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`;
  return undefined;
}

/** Follows message boundaries across chunks; `push` returns the first framing error seen. */
export class FrameChecker {
  private header: Buffer[] = [];
  private headerBytes = 0;
  /** Body bytes still to skip; -1 while reading a header. */
  private bodyLeft = -1;
  private failed = false;

  push(chunk: Buffer): FrameError | undefined {
    if (this.failed) return undefined;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      // Reading a header: find the blank line, possibly split across chunks.
      const pending = Buffer.concat([...this.header, chunk.subarray(offset)]);
      const end = pending.indexOf(HEADER_END);
      if (end === -1) {
        if (pending.length > MAX_HEADER_BYTES) return this.fail('no blank line ends the header', pending);
        this.header = [pending];
        this.headerBytes = pending.length;
        return undefined;
      }
      const header = pending.subarray(0, end);
      const problem = headerProblem(header);
      if (problem !== undefined) return this.fail(problem, header);
      const consumed = end + HEADER_END.length - this.headerBytes; // of this chunk, from offset
      this.header = [];
      this.headerBytes = 0;
      this.bodyLeft = Number(/content-length\s*:\s*(\d+)/i.exec(header.toString('latin1'))![1]);
      offset += consumed;
    }
    return undefined;
  }

  private fail(reason: string, header: Buffer): FrameError {
    this.failed = true;
    return { reason, header: shown(header) };
  }
}

/**
 * Checks the bytes the server reads from `input` (process.stdin with --stdio); on a framing
 * error writes it to stderr and exits with code 1.
 */
export function guardFraming(input: NodeJS.ReadableStream, exit: (error: FrameError) => void): void {
  const checker = new FrameChecker();
  input.on('data', (chunk: Buffer | string) => {
    const error = checker.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (error) exit(error);
  });
}
