import { run } from './run.ts';

/**
 * The CLI process: runs `run` on the process's arguments and streams and sets the exit code.
 * Called by the launcher (startup/launch.ts), which compiles this bundle with V8's code cache.
 */
export async function main(): Promise<void> {
  // A closed pipe (`sqlwarden | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`sqlwarden: ${error.message}\n`);
    process.exit(2);
  });

  try {
    process.exitCode = await run(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      // process.stdin opens a stream over fd 0 when first read; most runs never read it.
      stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
      cwd: process.cwd(),
      env: process.env,
    });
  } catch (error) {
    // run() reports its own failures; this only guards against a bug in that reporting.
    process.stderr.write(`sqlwarden: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
