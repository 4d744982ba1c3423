import { isSafeUrl, replyParts } from './widget-links';

describe('replyParts', () => {
  it('splits a reply into text and links, leaving sentence punctuation outside the link', () => {
    expect(replyParts('Returns are explained here: https://shop.example/returns. Anything else?')).toEqual([
      { text: 'Returns are explained here: ' },
      { url: 'https://shop.example/returns' },
      { text: '. Anything else?' },
    ]);
  });

  it('keeps a reply without addresses as one text part', () => {
    expect(replyParts('Order WS-1042 is on its way.')).toEqual([{ text: 'Order WS-1042 is on its way.' }]);
  });

  it('finds several links, and none that is not a web address', () => {
    const parts = replyParts('a http://x.example/a?b=1 b javascript:alert(1) c https://y.example');
    expect(parts.filter((p) => 'url' in p)).toEqual([
      { url: 'http://x.example/a?b=1' },
      { url: 'https://y.example' },
    ]);
    expect(parts.map((p) => ('url' in p ? p.url : p.text)).join('')).toBe(
      'a http://x.example/a?b=1 b javascript:alert(1) c https://y.example',
    );
  });

  it('accepts only http and https', () => {
    expect(isSafeUrl('https://shop.example')).toBe(true);
    expect(isSafeUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeUrl('data:text/html,x')).toBe(false);
  });
});
