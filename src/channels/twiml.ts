/** TwiML answers to an inbound SMS webhook. */

/** No reply: Twilio sends nothing (used for STOP/START, which Twilio itself confirms). */
export const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio's limit for one message body. */
const MAX_BODY = 1600;

export function twimlMessage(text: string): string {
  const body =
    Array.from(text).length > MAX_BODY
      ? `${Array.from(text)
          .slice(0, MAX_BODY - 1)
          .join('')}…`
      : text;
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(body)}</Message></Response>`;
}

/** XML text escaping for TwiML (HTML pages are escaped by Handlebars, src/pages/page-renderer.service.ts). */
function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
