import { textPartOf } from './email.sender';

describe('textPartOf', () => {
  it('keeps the caller’s text part', () => {
    expect(textPartOf({ to: 'a@example.com', subject: 's', html: '<p>x</p>', text: 'plain' })).toBe('plain');
  });
  it('derives one from the HTML, links included and images left out', () => {
    const text = textPartOf({
      to: 'a@example.com',
      subject: 's',
      html: '<p>Your parcel <b>arrives</b> today.</p><img src="logo.png" alt="Logo"><a href="https://t.example/1">Track</a>',
    });
    expect(text).toContain('Your parcel arrives today.');
    expect(text).toContain('Track [https://t.example/1]');
    expect(text).not.toContain('logo.png');
  });
});
