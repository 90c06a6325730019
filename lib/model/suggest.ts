/**
 * The number of single-character edits (insertions, deletions, substitutions and swaps of two
 * neighbouring characters) that turn `a` into `b`: the optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  // d[i][j]: the distance between the first i characters of a and the first j of b.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate that `input` most likely misspells, for a "did you mean" hint: the nearest by
 * {@link editDistance} ignoring case, if at most 3 edits away and they change less than 60% of the
 * longer text (so short inputs are not matched to anything). Of equally near ones, the one that
 * keeps more of `input` unchanged at its start and end (`7.x` means `7.x+`, not `5.x`;
 * `manager7` means `manager-7`, not `manager`), then the earlier.
 * @returns the candidate, or `undefined` when none is close enough or `input` is one of them
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(input)) return undefined;
  const lower = input.toLowerCase();
  let best: { candidate: string; distance: number; kept: number } | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const longer = Math.max(input.length, candidate.length);
    if (distance > 3 || (longer - distance) / longer <= 0.4) continue;
    // How much of the input stands unchanged at the start and at the end of the candidate.
    const shorter = Math.min(lower.length, other.length);
    let start = 0;
    while (start < shorter && lower[start] === other[start]) start++;
    let end = 0;
    while (end < shorter - start && lower[lower.length - 1 - end] === other[other.length - 1 - end]) end++;
    const kept = start + end;
    const better = !best || distance < best.distance || (distance === best.distance && kept > best.kept);
    if (better) best = { candidate, distance, kept };
  }
  return best?.candidate;
}

/** Lists of at most this many choices are printed whole in a message; longer ones only in part. */
const WHOLE_LIST = 20;
/** How many choices a long list shows. */
const SHOWN = 5;

/**
 * The allowed values for a message after "one of": all of them when there are at most 20 (the built-in products have 14 roles); else
 * how many there are and the 5 nearest to `input` by {@link editDistance} (ignoring case, ties in
 * list order), or the first 5 when `input` is not text. A catalog of firewalld's services has
 * hundreds of roles, and a message listing them all hides the answer.
 * @param values every allowed value
 * @param input what was given
 */
export function choiceText(values: readonly string[], input?: unknown): string {
  if (values.length <= WHOLE_LIST) return values.join(', ');
  const shown =
    typeof input === 'string'
      ? values
          .map((v, i) => ({ v, i, d: editDistance(input.toLowerCase(), v.toLowerCase()) }))
          .sort((a, b) => a.d - b.d || a.i - b.i)
          .slice(0, SHOWN)
          .map((x) => x.v)
      : values.slice(0, SHOWN);
  const which = typeof input === 'string' ? 'the nearest' : 'such as';
  return `${values.length} values (${which}: ${shown.join(', ')})`;
}
