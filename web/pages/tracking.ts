/**
 * The tracking page in the browser (views/track/parcel.hbs), an enhancement only: the page is complete without it.
 * - Live: asks for the page again every 30 s while visible, with If-None-Match; a newer version (a scan arrived)
 *   replaces <main> without a reload, and the change is announced to screen readers.
 * - Copy: a button beside the tracking number.
 */
const POLL_MS = 30_000;

/** The version on screen (the server writes it into the page). */
let etag: string | null = document.getElementById('parcel')?.dataset.etag ?? null;

function enableCopy(root: ParentNode): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    const target = document.getElementById(button.dataset.copy ?? '');
    if (!target || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      void navigator.clipboard.writeText(target.textContent?.trim() ?? '').then(() => {
        button.textContent = button.dataset.copied ?? 'Copied';
      });
    });
  }
}

async function poll(): Promise<void> {
  if (document.visibilityState !== 'visible') return;
  const headers: Record<string, string> = { 'x-wismo-live': '1', accept: 'text/html' };
  if (etag) headers['if-none-match'] = etag;
  let res: Response;
  try {
    res = await fetch(location.href, { headers, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    return; // offline for a moment: the next round tries again
  }
  if (res.status !== 200) return;
  etag = res.headers.get('etag');
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const fresh = doc.getElementById('parcel');
  const current = document.getElementById('parcel');
  if (!fresh || !current) return;
  current.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
  current.dataset.etag = etag ?? '';
  enableCopy(current);
  const status = document.getElementById('live-status');
  if (status) status.textContent = current.dataset.liveMessage ?? '';
}

enableCopy(document);
void poll();
setInterval(() => void poll(), Number(document.body.dataset.pollMs ?? POLL_MS));
document.addEventListener('visibilitychange', () => void poll());
