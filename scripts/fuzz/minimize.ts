/**
 * ddmin (Zeller's delta debugging) over the input's bytes: first on statements (cut after each
 * `;` and the whitespace after it), then on lines, then on SQL tokens, then on characters (UTF-8
 * sequences, so a cut never splits a character unless the input had a broken one). A candidate counts as failing when
 * `reproduces` says the same failure class shows; the budget bounds probes and wall time, since a
 * timeout costs the whole time limit per failing probe.
 */
import { tokens } from './sql-text.ts';

export interface Budget {
  maxProbes: number;
  deadline: number;
  probes: number;
}

type Test = (candidate: Buffer) => Promise<boolean>;

function byStatements(b: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x3b) continue;
    let end = i + 1;
    while (end < b.length && (b[end] === 0x20 || b[end] === 0x0a || b[end] === 0x0d || b[end] === 0x09)) end++;
    units.push(b.subarray(start, end));
    start = end;
    i = end - 1;
  }
  if (start < b.length) units.push(b.subarray(start));
  return units;
}

function byLines(b: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      units.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) units.push(b.subarray(start));
  return units;
}

/** SQL tokens (sql-text.ts), when the bytes are valid UTF-8; else one unit. */
function byTokens(b: Buffer): Buffer[] {
  const text = b.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(b)) return [b];
  return tokens(text).map((t) => Buffer.from(t, 'utf8'));
}

function byCharacters(b: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const lead = b[i]!;
    const size = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
    let n = 1;
    while (n < size && i + n < b.length && (b[i + n]! & 0xc0) === 0x80) n++;
    units.push(b.subarray(i, i + n));
    i += n;
  }
  return units;
}

async function ddmin(units: Buffer[], test: Test, budget: Budget): Promise<Buffer[]> {
  let current = units;
  let n = 2;
  const out = (): boolean => budget.probes >= budget.maxProbes || Date.now() > budget.deadline;
  const probe = async (candidate: Buffer[]): Promise<boolean> => {
    budget.probes++;
    return test(Buffer.concat(candidate));
  };
  while (current.length >= 2 && !out()) {
    const size = Math.ceil(current.length / n);
    const chunks: Buffer[][] = [];
    for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size));
    let reduced = false;
    // Subsets first, then complements.
    for (const chunk of chunks) {
      if (out()) break;
      if (await probe(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length; i++) {
        if (out()) break;
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await probe(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

/** The smallest input found that still reproduces, and how many probes it took. */
export async function minimize(input: Buffer, reproduces: Test, options: { maxProbes: number; maxMs: number; maxCharacterLevelBytes?: number }): Promise<{ minimized: Buffer; probes: number; complete: boolean }> {
  const budget: Budget = { maxProbes: options.maxProbes, deadline: Date.now() + options.maxMs, probes: 0 };
  let current = input;
  for (const split of [byStatements, byLines, byTokens, byCharacters]) {
    if (split === byCharacters && current.length > (options.maxCharacterLevelBytes ?? 4096)) break;
    const units = split(current);
    if (units.length < 2) continue;
    current = Buffer.concat(await ddmin(units, reproduces, budget));
  }
  const complete = budget.probes < budget.maxProbes && Date.now() <= budget.deadline;
  return { minimized: current, probes: budget.probes, complete };
}
