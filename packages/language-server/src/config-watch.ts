import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

/** The files whose changes can change a document's configuration. */
export const CONFIG_FILE_NAMES = ['sqlwarden.config.json', 'package.json'];

/**
 * Watches config files for clients that cannot watch for the server (no dynamic registration of
 * `workspace/didChangeWatchedFiles`, e.g. Neovim 0.7). Config lookup walks up from a document's
 * directory, so each directory from an open document up to its workspace folder is watched
 * (non-recursively: a config can appear or change in any of them, and nowhere else matters).
 */
export class ConfigWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: (changedPath: string) => void,
    private readonly onError: (error: unknown) => void,
    private readonly debounceMs = 100,
  ) {}

  /** Watches `filePath`'s directory and its parents up to `root` (or only its own directory without a root). */
  watchFor(filePath: string, root: string | undefined): void {
    let dir = path.dirname(filePath);
    for (;;) {
      this.watchDirectory(dir);
      const parent = path.dirname(dir);
      if (root === undefined || dir === root || parent === dir || !dir.startsWith(root + path.sep)) break;
      dir = parent;
    }
  }

  get watchedDirectories(): string[] {
    return [...this.watchers.keys()];
  }

  private watchDirectory(dir: string): void {
    if (this.watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        const file = name?.toString();
        if (file !== undefined && !CONFIG_FILE_NAMES.includes(file)) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.onChange(path.join(dir, file ?? '')), this.debounceMs);
      });
      watcher.on('error', (error) => {
        this.watchers.delete(dir);
        watcher.close();
        this.onError(error);
      });
      this.watchers.set(dir, watcher);
    } catch (error) {
      // A directory that vanished or cannot be read: there is nothing to watch there.
      this.onError(error);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
