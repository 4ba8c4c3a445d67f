/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  let previous2: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, previous2[j - 2]! + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * Candidates close enough to `input` to be what the user meant, best first: small edit
 * distance, or one contains the other (`select-star` for `no-select-star`).
 */
export function nearMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = input.toLowerCase();
  const threshold = Math.max(1, Math.floor(input.length / 3));
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    const other = candidate.toLowerCase();
    const contains = lower.length >= 4 && (other.includes(lower) || lower.includes(other));
    if (distance <= threshold) scored.push({ candidate, score: distance });
    else if (contains) scored.push({ candidate, score: threshold + Math.abs(other.length - lower.length) });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((entry) => entry.candidate);
}

export function quoteList(values: readonly string[], conjunction = 'or'): string {
  const quoted = values.map((value) => `"${value}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** `did you mean "x"?` or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const matches = nearMatches(input, candidates);
  return matches.length > 0 ? `did you mean ${quoteList(matches)}?` : undefined;
}
