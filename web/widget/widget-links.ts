/**
 * Links inside the bot's reply text. Pure: the widget turns the parts into text nodes and anchors (never markup),
 * so a reply can carry a store link ("Returns are explained here: https://…") that the shopper can click.
 */

export type ReplyPart = { text: string } | { url: string };

/** http(s) addresses; a sentence's closing punctuation is not part of the address. */
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
const TRAILING = /[.,;:!?)\]}]+$/;

export function replyParts(text: string): ReplyPart[] {
  const parts: ReplyPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0];
    const url = raw.replace(TRAILING, '');
    const start = match.index ?? 0;
    if (!isSafeUrl(url)) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Only web addresses become links: never javascript:, data: or anything the URL parser rejects. */
export function isSafeUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
