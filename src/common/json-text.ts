/**
 * One rule for the text inside every JSON body (issue 14 item 13): it must be valid UTF-8 (RFC 8259 §8.1) and may
 * not carry a lone surrogate written as an escape (`"\ud800"`), which JSON.parse accepts but no UTF-8 encoder,
 * database column or SMS can represent faithfully. Both are refused as 400 `malformed_payload` before any handler.
 */
import { isUtf8 } from 'node:buffer';

const BACKSLASH_U = Buffer.from('\\u', 'latin1');
/** `\uD800`–`\uDFFF` as an escape, either case. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** Why a JSON body's text is malformed, or null when it is fine. `parsed` is what JSON.parse made of `raw`. */
export function malformedJsonText(raw: Buffer, parsed: unknown): string | null {
  if (!isUtf8(raw)) return 'The body is not valid UTF-8';
  // Pairs of escaped surrogates are legal (an emoji); the scan is cheap and rarely matches, the walk runs only then.
  if (raw.indexOf(BACKSLASH_U) === -1 || !ESCAPED_SURROGATE.test(raw.toString('latin1'))) return null;
  return hasLoneSurrogate(parsed) ? 'The body contains a lone UTF-16 surrogate (\\uD800–\\uDFFF)' : null;
}

/** Iterative, over keys and values, so a deep body cannot overflow the stack. */
function hasLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (!isWellFormed(node)) return true;
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
        if (!isWellFormed(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
