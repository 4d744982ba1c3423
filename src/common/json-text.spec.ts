import { malformedJsonText } from './json-text';

function check(raw: Buffer): string | null {
  return malformedJsonText(raw, JSON.parse(raw.toString('utf8')));
}

describe('malformedJsonText', () => {
  it('accepts ordinary UTF-8, accents, emoji and escaped surrogate pairs', () => {
    expect(check(Buffer.from('{"name":"Zoë Ångström","note":"📦"}'))).toBeNull();
    expect(check(Buffer.from('{"note":"\\ud83d\\udce6","ok":"\\u00e9"}'))).toBeNull();
    // An escaped backslash followed by "ud800" is text, not a surrogate.
    expect(check(Buffer.from('{"path":"C:\\\\ud800"}'))).toBeNull();
  });

  it('refuses bytes that are not UTF-8: a stray continuation byte, an overlong form, an encoded surrogate', () => {
    for (const bytes of [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const raw = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(check(raw)).toBe('The body is not valid UTF-8');
    }
  });

  it('refuses a lone escaped surrogate in a value or a key, at any depth', () => {
    expect(check(Buffer.from('{"text":"hi \\ud800"}'))).toMatch(/lone UTF-16 surrogate/);
    expect(check(Buffer.from('{"a":[{"b":"\\uDC00x"}]}'))).toMatch(/lone UTF-16 surrogate/);
    expect(check(Buffer.from('{"\\udbff":1}'))).toMatch(/lone UTF-16 surrogate/);
    expect(check(Buffer.from('["\\ude00\\ud83d"]'))).toMatch(/lone UTF-16 surrogate/);
  });
});
