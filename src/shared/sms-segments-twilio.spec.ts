import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { analyzeSms } from './sms-segments';

/**
 * Our segment analysis against Twilio's own calculator (`sms-segments-calculator`, Twilio's published rules) on
 * many generated texts: plain GSM-7, the extension table (2 septets, never split), UCS-2 and emoji (surrogate
 * pairs, never split), at lengths around every segment boundary. The transliteration that keeps a text in GSM-7
 * runs before this analysis and is ours alone; only what a given text costs is compared here.
 */

const GSM_BASIC = Array.from(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = Array.from('\f^{}\\[~]|€');
/** Outside GSM-7, one UTF-16 unit each: Latin with diacritics, Cyrillic, Greek lower case, CJK, typography. */
const UCS2_BMP = Array.from('āčęłńőšžçíóúâêîôûÁÍÓÚñàПриветκαλημέρα你好日本“”‘’–—…•');
/** Two UTF-16 units each. */
const EMOJI = ['😀', '📦', '🚚', '🎉', '👍🏽', '🇩🇪'];

const pick = (chars: string[]) => fc.constantFrom(...chars);

/** Texts of a length near a boundary (1 segment, 2 segments, 3) for the given alphabets. */
function texts(alphabet: fc.Arbitrary<string>, lengths: number[]): fc.Arbitrary<string> {
  return fc
    .constantFrom(...lengths)
    .chain((n) => fc.integer({ min: Math.max(1, n - 4), max: n + 4 }))
    .chain((n) => fc.array(alphabet, { minLength: n, maxLength: n }))
    .map((chars) => chars.join(''));
}

function compare(text: string): void {
  const twilio = new SegmentedMessage(text);
  const ours = analyzeSms(text);
  expect({ text, encoding: ours.encoding, segments: ours.segments }).toEqual({
    text,
    encoding: twilio.encodingName,
    segments: twilio.segmentsCount,
  });
}

describe('SMS segments agree with Twilio’s calculator', () => {
  const RUNS = { numRuns: 150, seed: 15 };

  it('on plain GSM-7 texts around 160, 306 and 459 septets', () => {
    fc.assert(fc.property(texts(pick(GSM_BASIC), [160, 306, 459]), compare), RUNS);
  });

  it('on GSM-7 texts with extension characters (2 septets each, never split across parts)', () => {
    const mixed = fc.oneof(
      { weight: 4, arbitrary: pick(GSM_BASIC) },
      { weight: 1, arbitrary: pick(GSM_EXTENSION) },
    );
    fc.assert(fc.property(texts(mixed, [80, 130, 160, 250, 306]), compare), RUNS);
  });

  it('on UCS-2 texts around 70, 134 and 201 units', () => {
    const mixed = fc.oneof(
      { weight: 3, arbitrary: pick(GSM_BASIC) },
      { weight: 1, arbitrary: pick(UCS2_BMP) },
      { weight: 1, arbitrary: pick(GSM_EXTENSION) },
    );
    fc.assert(fc.property(texts(mixed, [70, 134, 201]), compare), RUNS);
  });

  it('on texts with emoji (surrogate pairs, never split across parts)', () => {
    const mixed = fc.oneof(
      { weight: 4, arbitrary: pick(GSM_BASIC) },
      { weight: 1, arbitrary: pick(EMOJI) },
      { weight: 1, arbitrary: pick(UCS2_BMP) },
    );
    fc.assert(fc.property(texts(mixed, [35, 67, 70, 134]), compare), RUNS);
  });

  it('at the exact boundaries', () => {
    for (const text of [
      'a'.repeat(160),
      'a'.repeat(161),
      '€'.repeat(80),
      '€'.repeat(81),
      `${'a'.repeat(152)}€`,
      'ā'.repeat(70),
      'ā'.repeat(71),
      '😀'.repeat(35),
      '😀'.repeat(36),
      `${'a'.repeat(66)}😀${'a'.repeat(10)}`,
      'Line one\r\nLine two',
    ]) {
      compare(text);
    }
  });
});
