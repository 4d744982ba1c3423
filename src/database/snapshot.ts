/**
 * Whether a row version's creating transaction (`xmin`, 32 bits) is visible in a snapshot (`pg_current_snapshot()`
 * as text: `xmin:xmax:xip,…`, 64-bit ids). The 32-bit id is widened to the 64-bit id nearest the snapshot's
 * xmax: PostgreSQL keeps every live id within 2^31 of the current one. Frozen and bootstrap ids (below 3) are always visible.
 */
export function visibleInSnapshot(rowXmin: string, snapshot: string): boolean {
  const xid32 = BigInt(rowXmin);
  if (xid32 < 3n) return true;
  const [xminText, xmaxText, xipText = ''] = snapshot.split(':');
  const snapXmin = BigInt(xminText);
  const snapXmax = BigInt(xmaxText);
  let full = (snapXmax & ~0xffffffffn) | xid32;
  // The nearest id with these low 32 bits: ids run on past xmax (later transactions) as well as behind it.
  if (full > snapXmax + 0x80000000n) full -= 0x100000000n;
  else if (full < snapXmax - 0x80000000n) full += 0x100000000n;
  if (full < snapXmin) return true;
  if (full >= snapXmax) return false;
  return !xipText
    .split(',')
    .filter(Boolean)
    .some((x) => BigInt(x) === full);
}
