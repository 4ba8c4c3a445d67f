/** A mistake in how the command was invoked: reported as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
