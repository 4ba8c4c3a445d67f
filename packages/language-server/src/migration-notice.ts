import { type FileClassification, unrecognisedMigrationsNotice } from '@sqlwarden/core';

/**
 * The editor's side of the CLI's notice about schema changes outside migrations: per workspace
 * folder, the first linted document without a config that changes existing tables while no
 * migration has been linted in that folder gets the notice, once per session. A folder where a
 * migration was linted never gets it (its migrations are recognised; the CLI stays silent then too).
 */
export class MigrationNotices {
  private readonly settled = new Set<string>();

  /** The notice to show now that `result` was linted in `folder`, if any. */
  after(folder: string, result: { filePath: string; classification?: FileClassification }): string | undefined {
    if (this.settled.has(folder) || !result.classification) return undefined;
    if (result.classification.migration) {
      this.settled.add(folder);
      return undefined;
    }
    const notice = unrecognisedMigrationsNotice([result], { relativeTo: folder });
    if (notice !== undefined) this.settled.add(folder);
    return notice;
  }
}
