import { analyzeSms, gsm7Septets, isGsm7, smartEncode, transliterateToGsm7 } from './sms-segments';

describe('analyzeSms', () => {
  it('treats an empty text as nothing to send', () => {
    expect(analyzeSms('')).toEqual({
      encoding: 'GSM-7',
      segments: 0,
      length: 0,
      unitsUsed: 0,
      nonGsmCharacters: [],
    });
  });

  it.each([
    [1, 1],
    [159, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])('GSM-7 basic text of %i characters takes %i segment(s)', (length, segments) => {
    const result = analyzeSms('a'.repeat(length));
    expect(result.encoding).toBe('GSM-7');
    expect(result.segments).toBe(segments);
    expect(result.unitsUsed).toBe(length);
    expect(result.length).toBe(length);
  });

  it('keeps the whole GSM-7 basic table, accents included, in GSM-7', () => {
    const text = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà';
    expect(analyzeSms(text).encoding).toBe('GSM-7');
    expect(isGsm7(text)).toBe(true);
  });

  it.each(Array.from('^{}\\[~]|€\f'))('counts extension character %j as two septets', (char) => {
    expect(gsm7Septets(char)).toBe(2);
    const result = analyzeSms(char);
    expect(result).toMatchObject({ encoding: 'GSM-7', unitsUsed: 2, length: 1, segments: 1 });
  });

  it('fits 80 euro signs (160 septets) in one segment but not 81', () => {
    expect(analyzeSms('€'.repeat(80)).segments).toBe(1);
    expect(analyzeSms('€'.repeat(81))).toMatchObject({ segments: 2, unitsUsed: 162 });
  });

  it('never splits an escape sequence across parts', () => {
    // 152 basic septets then a 2-septet character: 154 > 153, so the euro moves to part two.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    // Without the rule: 306 septets = exactly 2 parts. With it: part one holds 152, part two 154 > 153.
    expect(analyzeSms(text)).toMatchObject({ encoding: 'GSM-7', unitsUsed: 306, segments: 3 });
    expect(analyzeSms('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2);
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7 and lists it', () => {
    const result = analyzeSms('Hi José, your parcel ’s here');
    expect(result.encoding).toBe('UCS-2');
    expect(result.nonGsmCharacters).toEqual(['’']);
  });

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])('UCS-2 text of %i code units takes %i segment(s)', (units, segments) => {
    const text = 'á' + 'a'.repeat(units - 1);
    expect(analyzeSms(text)).toMatchObject({ encoding: 'UCS-2', segments, unitsUsed: units });
  });

  it('counts an emoji as two UTF-16 code units but one character', () => {
    const result = analyzeSms('📦');
    expect(result).toMatchObject({
      encoding: 'UCS-2',
      unitsUsed: 2,
      length: 1,
      segments: 1,
      nonGsmCharacters: ['📦'],
    });
    expect(analyzeSms('📦'.repeat(35)).segments).toBe(1);
    expect(analyzeSms('📦'.repeat(35) + 'a').segments).toBe(2);
  });

  it('never splits a surrogate pair across parts', () => {
    // 134 units would be exactly two parts, but after 66 units the emoji (2) no longer fits part one,
    // so part two holds 2 + 66 = 68 > 67 units and a third part is needed.
    const text = 'é' + 'ê' + 'a'.repeat(64) + '📦' + 'a'.repeat(66);
    const result = analyzeSms(text);
    expect(result.unitsUsed).toBe(134);
    expect(result.segments).toBe(3);
    expect(analyzeSms('ê' + 'a'.repeat(65) + '📦' + 'a'.repeat(65)).segments).toBe(2);
  });

  it('lists every distinct non-GSM character once, in order', () => {
    expect(analyzeSms('ça coûte 10 € — “oui” çç').nonGsmCharacters).toEqual(['ç', 'û', '—', '“', '”']);
  });

  it('treats letters with accents GSM-7 lacks as UCS-2 (á í ó ú ê â ô ç)', () => {
    for (const char of Array.from('áíóúêâôç')) expect(gsm7Septets(char)).toBeNull();
    for (const char of Array.from('éèùìòÇØøÅåÄÖÑÜ§¿äöñüàÉÆæß')) expect(gsm7Septets(char)).toBe(1);
  });
});

describe('smartEncode', () => {
  it('replaces typographic look-alikes and keeps letters', () => {
    expect(smartEncode('“Don’t” – wait…\u00a0ok\u202fnow, sábado')).toBe('"Don\'t" - wait... ok now, sábado');
  });
});

describe('transliterateToGsm7', () => {
  it('reduces accents GSM-7 lacks and keeps those it has', () => {
    expect(transliterateToGsm7('sábado, miércoles, août, Ça, garçon, œuvre, München, niño')).toBe(
      'sabado, miércoles, aout, Ça, garcon, oeuvre, München, niño',
    );
    expect(isGsm7(transliterateToGsm7('dirección — «ahí» está'))).toBe(true);
  });

  it('leaves characters it cannot map (emoji) for the analysis to report', () => {
    expect(transliterateToGsm7('📦 ok')).toBe('📦 ok');
  });
});
