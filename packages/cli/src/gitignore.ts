import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The directory `.gitignore` files are read from: the git work tree containing `cwd`, else `cwd`. */
export function findIgnoreRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

function isInside(relative: string): boolean {
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

/**
 * Git's `.gitignore` semantics for a tree: every directory's `.gitignore` applies to paths below
 * it, relative to that directory, deeper files override shallower ones, and nothing inside an
 * ignored directory can be re-included.
 */
export class GitignoreTree {
  readonly root: string;
  private readonly byDirectory = new Map<string, Ignore | null>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private rulesIn(directory: string): Ignore | null {
    let rules = this.byDirectory.get(directory);
    if (rules !== undefined) return rules;
    rules = null;
    const file = path.join(directory, '.gitignore');
    try {
      if (statSync(file).isFile()) rules = ignore().add(readFileSync(file, 'utf8'));
    } catch {
      // No .gitignore here, or it is unreadable: git would not apply it either.
    }
    this.byDirectory.set(directory, rules);
    return rules;
  }

  /** Whether `absolutePath` itself is ignored, assuming its parent directories are not. */
  isIgnoredEntry(absolutePath: string, isDirectory: boolean): boolean {
    const relativeToRoot = path.relative(this.root, absolutePath);
    if (!isInside(relativeToRoot)) return false;
    let ignored = false;
    let directory = this.root;
    const segments = relativeToRoot.split(path.sep);
    for (let i = 0; i < segments.length; i++) {
      const rules = this.rulesIn(directory);
      if (rules) {
        const relative = toPosix(path.relative(directory, absolutePath)) + (isDirectory ? '/' : '');
        const result = rules.test(relative);
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
      directory = path.join(directory, segments[i]!);
    }
    return ignored;
  }

  /** Whether `absolutePath` or any directory between the root and it is ignored. */
  isIgnored(absolutePath: string, isDirectory: boolean): boolean {
    const relativeToRoot = path.relative(this.root, absolutePath);
    if (!isInside(relativeToRoot)) return false;
    const segments = relativeToRoot.split(path.sep);
    let current = this.root;
    for (let i = 0; i < segments.length; i++) {
      current = path.join(current, segments[i]!);
      const last = i === segments.length - 1;
      if (this.isIgnoredEntry(current, last ? isDirectory : true)) return true;
    }
    return false;
  }
}
