/** A line diff for the editor's history: longest common subsequence, enough for templates of a few hundred lines. */

export type DiffLine = [mark: ' ' | '+' | '-', text: string];

export function diffLines(before: string, after: string): DiffLine[] {
  const x = before.split('\n');
  const y = after.split('\n');
  const n = x.length;
  const m = y.length;
  // Beyond a few million cells the table costs more than the answer is worth: show it all as replaced.
  if (n * m > 4e6) {
    return [...x.map((l): DiffLine => ['-', l]), ...y.map((l): DiffLine => ['+', l])];
  }
  const t: Int32Array[] = [];
  for (let i = 0; i <= n; i++) t.push(new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push([' ', x[i]]);
      i++;
      j++;
    } else if (t[i + 1][j] >= t[i][j + 1]) {
      out.push(['-', x[i++]]);
    } else {
      out.push(['+', y[j++]]);
    }
  }
  while (i < n) out.push(['-', x[i++]]);
  while (j < m) out.push(['+', y[j++]]);
  return out;
}
