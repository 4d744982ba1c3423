/**
 * CSV for the analytics endpoints (`format=csv`): one row for the whole range, then one per group, with the
 * same figures as the JSON; nested figures become dotted columns (`transitDays.p50`). RFC 4180 quoting, and a
 * leading apostrophe for cells a spreadsheet would run as a formula.
 */
type Flat = Record<string, string | number | boolean | null>;

function flatten(value: Record<string, unknown>, prefix = '', out: Flat = {}): Flat {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      flatten(v as Record<string, unknown>, name, out);
    else if (!Array.isArray(v)) out[name] = v as Flat[string];
  }
  return out;
}

function cell(value: Flat[string] | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportToCsv(report: { groups: Record<string, unknown>[] } & Record<string, unknown>): string {
  const { groups, ...total } = report;
  const rows = [{ key: 'total', ...flatten(total) }, ...groups.map((g) => flatten(g))];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n'
  );
}
