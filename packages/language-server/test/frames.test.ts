// A malformed LSP frame header must not leave the server alive but silent: the real built
// server (dist/server.mjs --stdio) says what is wrong on stderr and exits non-zero, so the
// client restarts it (issue 10, item 10d).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrameChecker } from '../src/frames.ts';
import { SERVER } from './client.ts';

function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const INITIALIZE = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

/**
 * Spawns the server, writes `input` (in one write; first `before`, once its answer arrived),
 * and resolves when it exits, or after `guardMs` (a guard against a hang, not a timing).
 */
function run(input: string, before?: string, guardMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string; exited: boolean }> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const send = () => {
    if (!sent) child.stdin.write(input);
    sent = true;
  };
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes('"result"')) send();
  });
  child.stderr.on('data', (d) => (stderr += d));
  if (before === undefined) send();
  else child.stdin.write(before);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve({ code: null, stdout, stderr, exited: false });
    }, guardMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, exited: true });
    });
  });
}

describe('malformed frame headers (real server process)', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n', /Content-Length "abc" is not a whole number of bytes/],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}', /the header has no Content-Length/],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n', /Content-Length "-5" is not a whole number of bytes/],
    ['a huge Content-Length', 'Content-Length: 99999999999\r\n\r\n', /Content-Length 99999999999 exceeds the limit/],
    ['a header line without a colon', 'hello\r\n\r\n', /header line "hello" is not "Name: value"/],
  ];
  for (const [name, header, reason] of cases) {
    it(`${name}: a clear error on stderr and exit code 1, even with a valid request after it`, async () => {
      const result = await run(header + INITIALIZE);
      expect(result.exited).toBe(true);
      expect(result.code).toBe(1);
      const [headline, detail] = result.stderr.trimEnd().split('\n');
      expect(headline).toMatch(/^sqlwarden language server: bad LSP message header from the client: .*; exiting$/);
      expect(headline).toMatch(reason);
      expect(headline!.length).toBeLessThanOrEqual(140);
      expect(detail).toMatch(/^ {2}header: "/);
    });
  }

  it('answers valid requests before the bad header, then exits', async () => {
    const result = await run('Content-Length: x\r\n\r\n', INITIALIZE);
    expect(result.stdout).toContain('"id":1,"result":{"capabilities"');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Content-Length "x" is not a whole number of bytes');
  });
});

describe('FrameChecker', () => {
  it('follows valid messages split at every byte, and multi-byte bodies', () => {
    const stream = Buffer.from(INITIALIZE + frame({ jsonrpc: '2.0', method: 'x', params: { text: 'é🎉\r\n\r\nContent-Length: abc' } }) + INITIALIZE);
    const checker = new FrameChecker();
    for (let i = 0; i < stream.length; i++) expect(checker.push(stream.subarray(i, i + 1))).toBeUndefined();
    const whole = new FrameChecker();
    expect(whole.push(stream)).toBeUndefined();
    expect(whole.push(Buffer.from('Content-Length: 1x\r\n\r\n'))).toMatchObject({ reason: 'Content-Length "1x" is not a whole number of bytes' });
  });
});
