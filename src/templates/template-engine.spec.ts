import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import { TemplateEngine, validateTemplate, type Problem } from './template-engine';
import { loadI18nCatalogs, registerTemplateHelpers, TemplateRenderError } from './template-helpers';
import { DEFAULT_TEMPLATES_DIR, loadDefaultTemplates } from './default-templates';
import { sampleVariables, type TemplateVariables } from './template-variables';

const engine = new TemplateEngine();
const sample = (): TemplateVariables => sampleVariables('shipped');

const LAYOUT_BODY = '{{#> email-layout}}<p>Hi {{customer.firstName}}</p>{{/email-layout}}';

describe('TemplateEngine.renderString', () => {
  it('resolves the repository templates folder from src/templates and dist/templates alike', () => {
    expect(engine.templatesDir).toBe(path.resolve(__dirname, '../../templates'));
    expect(fs.existsSync(path.join(DEFAULT_TEMPLATES_DIR, 'i18n', 'en.json'))).toBe(true);
  });

  it('throws in strict mode on a missing variable, with its location', () => {
    expect(() => engine.renderString('Hi\n{{customer.nickname}}', sample(), { escape: false })).toThrow(
      TemplateRenderError,
    );
    expect(() => engine.renderString('Hi\n{{customer.nickname}}', sample(), { escape: false })).toThrow(
      /"nickname" not defined/,
    );
  });

  it('renders null values as empty and treats them as false', () => {
    const vars = sample();
    vars.customer.firstName = null;
    expect(
      engine.renderString('Hi{{#if customer.firstName}} {{customer.firstName}}{{/if}}!', vars, {
        escape: false,
      }),
    ).toBe('Hi!');
    expect(engine.renderString('[{{customer.firstName}}]', vars, { escape: false })).toBe('[]');
  });

  it('escapes for HTML and not for text', () => {
    const vars = sample();
    vars.customer.firstName = '<b>Zoë & "Al"</b>';
    expect(engine.renderString('{{customer.firstName}}', vars, { escape: true })).toBe(
      '&lt;b&gt;Zoë &amp; &quot;Al&quot;&lt;/b&gt;',
    );
    expect(engine.renderString('{{customer.firstName}}', vars, { escape: false })).toBe('<b>Zoë & "Al"</b>');
  });

  it('does not expose prototype properties', () => {
    expect(
      engine.renderString('[{{order.constructor}}][{{order.__proto__}}]', sample(), { escape: false }),
    ).toBe('[][]');
  });

  it('refuses helpers it does not know', () => {
    expect(() => engine.renderString('{{shout customer.firstName}}', sample(), { escape: false })).toThrow(
      TemplateRenderError,
    );
  });

  it('compiles a source once and reuses it', () => {
    const fresh = new TemplateEngine();
    const source = 'Order {{order.number}} for {{customer.firstName}}';
    for (let i = 0; i < 5; i += 1) fresh.renderString(source, sample(), { escape: false });
    expect(fresh.stats).toEqual({ compiled: 1, cacheHits: 4, cached: 1 });
    // The escaping mode is part of the key: the same source for HTML is a second compilation.
    fresh.renderString(source, sample(), { escape: true });
    expect(fresh.stats.compiled).toBe(2);
    fresh.renderString(source + ' ', sample(), { escape: false });
    expect(fresh.stats.compiled).toBe(3);
  });

  it('evicts the least recently used template beyond the cache size', () => {
    const small = new TemplateEngine({ cacheSize: 2 });
    small.renderString('a', sample(), { escape: false });
    small.renderString('b', sample(), { escape: false });
    small.renderString('a', sample(), { escape: false });
    small.renderString('c', sample(), { escape: false });
    expect(small.stats.cached).toBe(2);
    small.renderString('a', sample(), { escape: false });
    expect(small.stats.compiled).toBe(3);
    small.renderString('b', sample(), { escape: false });
    expect(small.stats.compiled).toBe(4);
  });

  it('reads partials and wording from the templates folder it is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-templates-'));
    fs.cpSync(path.join(DEFAULT_TEMPLATES_DIR, 'i18n'), path.join(dir, 'i18n'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'partials'));
    fs.writeFileSync(path.join(dir, 'partials', 'sig.hbs'), '-- {{brand.name}}');
    const custom = new TemplateEngine({ templatesDir: dir });
    expect(custom.partialNames()).toEqual(['sig']);
    expect(custom.renderString('Hi {{> sig}}', sample(), { escape: false })).toBe(
      'Hi -- Northwind Outfitters',
    );
  });
});

describe('TemplateEngine.renderEmail', () => {
  it("paints the email layout's buttons in the brand's colour, as the tracking page is", () => {
    const branded = new TemplateEngine({ accentColor: '#c2410c' });
    const shipped = loadDefaultTemplates().get('shipped/email/en')!.parts;
    const render = (e: TemplateEngine) =>
      e.renderEmail(
        { subject: shipped.subject ?? '', html: shipped.html ?? '', text: shipped.text ?? null },
        sampleVariables('shipped', { channel: 'email', locale: 'en' }),
      ).html;
    expect(render(branded)).toContain('background-color: #c2410c');
    expect(render(branded)).not.toContain('#0369a1');
    expect(render(engine)).toContain('background-color: #0369a1');
  });

  it('inlines CSS at compile time exactly as inlining each rendered message would (every default email)', () => {
    // The reference: plain Handlebars with the same helpers and partials, then juice on the rendered message.
    const raw = Handlebars.create();
    registerTemplateHelpers(raw as never, loadI18nCatalogs(DEFAULT_TEMPLATES_DIR));
    const partialsDir = path.join(DEFAULT_TEMPLATES_DIR, 'partials');
    for (const file of fs.readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')))
      raw.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partialsDir, file), 'utf8'));
    const styles = (html: string) =>
      [...html.matchAll(/<(\w+)([^>]*?)style="([^"]*)"/g)].map(
        (m) => `${m[1]} ${/class="([^"]*)"/.exec(m[2])?.[1] ?? ''}: ${m[3].trim()}`,
      );
    let compared = 0;
    for (const [key, template] of loadDefaultTemplates()) {
      const [type, channel, locale] = key.split('/');
      if (channel !== 'email') continue;
      const sparse = sampleVariables(type as never, { channel: 'email', locale: locale as never });
      Object.assign(sparse.customer, { firstName: null, lastName: null });
      Object.assign(sparse.brand, { logoUrl: 'https://cdn.example.com/logo.png' });
      Object.assign(sparse.shipment, { eta: null, previousEta: null, reason: null, deliveredAt: null });
      for (const vars of [
        sampleVariables(type as never, { channel: 'email', locale: locale as never }),
        sparse,
      ]) {
        const reference = juice(
          raw.compile(template.parts.html!, { strict: true })(vars, { data: { renderMode: 'html' } }),
        );
        const html = engine.renderEmail(
          { subject: template.parts.subject!, html: template.parts.html!, text: template.parts.text ?? null },
          vars,
        ).html;
        expect(styles(html)).toEqual(styles(reference));
        expect(styles(html).length).toBeGreaterThan(10);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(9 * 4 * 2);
  });

  it('applies the layout, inlines CSS and derives the text part from the HTML', () => {
    const vars = sample();
    const email = engine.renderEmail(
      { subject: 'Order {{order.number}}\n is\ton its way', html: LAYOUT_BODY },
      vars,
    );
    expect(email.subject).toBe('Order #WS-1048213 is on its way');
    expect(email.html).toContain('<!DOCTYPE html>');
    expect(email.html).not.toContain('<style>');
    expect(email.html).toMatch(/<body style="[^"]*background-color: #f4f4f5/);
    expect(email.html).toContain(`href="${vars.unsubscribeUrl}"`);
    expect(email.text).toContain('Hi Alexandra-Marie');
    expect(email.text).toContain(vars.unsubscribeUrl);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it('uses the text template when there is one', () => {
    const email = engine.renderEmail(
      { subject: 's', html: LAYOUT_BODY, text: 'Plain & simple, {{customer.firstName}}\n\n\n\nBye' },
      sample(),
    );
    expect(email.text).toBe('Plain & simple, Alexandra-Marie\n\nBye');
  });

  it('keeps a line break in a variable out of the subject header', () => {
    const vars = sample();
    vars.order.number = '#1\r\nBcc: victim@example.com';
    expect(engine.renderEmail({ subject: 'Order {{order.number}}', html: LAYOUT_BODY }, vars).subject).toBe(
      'Order #1 Bcc: victim@example.com',
    );
  });
});

describe('TemplateEngine.renderSms', () => {
  it('returns the body with its segment analysis', () => {
    const sms = engine.renderSms('{{brand.name}}: order {{order.number}} {{trackingLink}}', sample());
    expect(sms.body).toBe(
      'Northwind Outfitters: order #WS-1048213 https://track.wismo-shop.com/t/1Z999AA10123456784',
    );
    expect(sms.analysis).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('does not escape, tidies blank optional parts and replaces typographic look-alikes', () => {
    const vars = sample();
    vars.customer.firstName = 'Zoë & Ann';
    const sms = engine.renderSms(
      '  Hi {{customer.firstName}},{{#if shipment.reason}} x{{/if}}  it’s “here” – {{order.number}}\n',
      vars,
    );
    // ë is outside GSM-7, but this short text fits one UCS-2 segment: the accent costs nothing and stays.
    expect(sms.body).toBe('Hi Zoë & Ann, it\'s "here" - #WS-1048213');
    expect(sms.analysis).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    // With SMS_ACCENTS=never the nearest GSM-7 letter is written instead (smart encoding).
    const plain = engine.renderSms('Hi {{customer.firstName}}, it’s {{order.number}}', vars, 'never');
    expect(plain.body).toBe("Hi Zoe & Ann, it's #WS-1048213");
    expect(plain.analysis).toMatchObject({ encoding: 'GSM-7', nonGsmCharacters: [] });
  });

  it('tidies whitespace exactly as the full rules would, whether or not its quick test sees work to do', () => {
    const full = (text: string) =>
      text
        .replace(/[ \t]+/g, ' ')
        .replace(/[^\S\n]*\n[^\S\n]*/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    const alphabet = ['a', 'b', ' ', ' ', '\t', '\n', '\n', '\r'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % alphabet.length;
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + (i % 14) }, () => alphabet[next()]).join('');
      expect(JSON.stringify(engine.renderSms(text, sample()).body)).toBe(JSON.stringify(full(text)));
    }
  });
});

function codes(problems: Problem[]): string[] {
  return problems.map((p) => p.code);
}

describe('validateTemplate', () => {
  it('accepts a correct template', () => {
    expect(
      validateTemplate('Hi {{customer.firstName}}, {{trackingLink}}', {
        type: 'shipped',
        channel: 'sms',
        part: 'body',
      }),
    ).toEqual([]);
  });

  it('locates a grammar error (line and column, 1-based)', () => {
    const problems = validateTemplate('Hello\n  {{customer.firstName}\n', {
      type: 'shipped',
      channel: 'sms',
      part: 'body',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'parse_error', line: 2 });
    // Points at the stray "}" that should have been "}}".
    expect(problems[0].column).toBe(23);
    expect(problems[0].message).toMatch(/Parse error on line 2/);
  });

  it('locates an unclosed block at the end of the template', () => {
    const problems = validateTemplate('Hi\n{{#if customer.firstName}}x', {
      type: 'shipped',
      channel: 'sms',
      part: 'body',
    });
    expect(problems[0]).toMatchObject({ code: 'parse_error', line: 2 });
    expect(problems[0].message).toMatch(/end of template/);
  });

  it('locates a mismatched closing block at the block it fails to close', () => {
    const problems = validateTemplate('a\nb {{#if shipment.eta}}x{{/with}}', {
      type: 'shipped',
      channel: 'sms',
      part: 'body',
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'parse_error', line: 2, column: 6, message: "if doesn't match with" }),
    ]);
  });

  it('reports unknown variables with their position', () => {
    const source =
      'Hi {{customer.firstName}},\nyour {{order.numbr}} via {{shipment.carrier}}\n{{formatDate shipment.pickup.deadline}}';
    const problems = validateTemplate(source, { type: 'shipped', channel: 'sms', part: 'body' });
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'unknown_variable',
        line: 2,
        column: 8,
        message: expect.stringContaining('order.numbr'),
      }),
      expect.objectContaining({
        code: 'unknown_variable',
        line: 3,
        column: 14,
        message: expect.stringContaining('shipment.pickup.deadline'),
      }),
    ]);
  });

  it('knows which variables each type offers', () => {
    const source = '{{#if shipment.pickup}}{{shipment.pickup.name}}{{/if}}';
    expect(validateTemplate(source, { type: 'available_for_pickup', channel: 'sms', part: 'body' })).toEqual(
      [],
    );
    expect(
      codes(validateTemplate(source, { type: 'out_for_delivery', channel: 'sms', part: 'body' })),
    ).toEqual(['unknown_variable', 'unknown_variable']);
  });

  it('flags email-only variables in SMS', () => {
    expect(
      validateTemplate('Stop: {{unsubscribeUrl}}', { type: 'shipped', channel: 'sms', part: 'body' }),
    ).toEqual([expect.objectContaining({ code: 'variable_not_available', line: 1, column: 9 })]);
  });

  it('resolves paths inside #with, ../ and @root', () => {
    const ok =
      '{{#with shipment}}{{carrier}} {{../order.number}} {{@root.brand.name}}{{#with eta}}{{date}}{{/with}}{{/with}}';
    expect(validateTemplate(ok, { type: 'shipped', channel: 'email', part: 'text' })).toEqual([]);
    const bad = '{{#with shipment}}{{carier}}{{/with}}';
    expect(validateTemplate(bad, { type: 'shipped', channel: 'email', part: 'text' })).toEqual([
      expect.objectContaining({
        code: 'unknown_variable',
        message: expect.stringContaining('shipment.carier'),
        column: 21,
      }),
    ]);
  });

  it('reports unknown helpers and partials', () => {
    const problems = validateTemplate('{{shout order.number}} {{#if (huge 1)}}x{{/if}} {{> footer}}', {
      type: 'shipped',
      channel: 'email',
      part: 'text',
    });
    expect(codes(problems)).toEqual(['unknown_helper', 'unknown_helper', 'unknown_partial']);
    expect(problems[0]).toMatchObject({ line: 1, column: 3 });
  });

  it('requires the unsubscribe link in email HTML; the layout partial provides it', () => {
    const target = { type: 'shipped', channel: 'email', part: 'html' } as const;
    expect(codes(validateTemplate('<p>Hi {{customer.firstName}}</p>', target))).toEqual([
      'missing_unsubscribe_link',
    ]);
    expect(validateTemplate('<p>Hi</p><a href="{{unsubscribeUrl}}">Unsubscribe</a>', target)).toEqual([]);
    expect(validateTemplate(LAYOUT_BODY, target)).toEqual([]);
    // Not required in the subject or the text part.
    expect(validateTemplate('Order {{order.number}}', { ...target, part: 'subject' })).toEqual([]);
  });

  it('warns above two SMS segments and refuses more than three', () => {
    const target = { type: 'shipped', channel: 'sms', part: 'body' } as const;
    const filler = 'Your parcel is on its way to you. ';
    expect(validateTemplate(filler.repeat(4), target)).toEqual([]);
    expect(validateTemplate(filler.repeat(10), target)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'sms_segments',
        message: expect.stringContaining('3 segments'),
      }),
    ]);
    expect(validateTemplate(filler.repeat(14), target)).toEqual([
      expect.objectContaining({ severity: 'error', code: 'sms_too_long' }),
    ]);
  });

  it('measures SMS length with sample data, not the template source', () => {
    // 5 short tokens in the source, far over 2 segments once rendered.
    const source =
      '{{trackingLink}} {{trackingLink}} {{trackingLink}} {{trackingLink}} {{trackingLink}} {{trackingLink}} {{trackingLink}}';
    expect(codes(validateTemplate(source, { type: 'shipped', channel: 'sms', part: 'body' }))).toEqual([
      'sms_segments',
    ]);
  });

  it('lists characters outside GSM-7 in SMS', () => {
    const problems = validateTemplate('Tu pedido está en camino 📦 {{order.number}}', {
      type: 'shipped',
      channel: 'sms',
      part: 'body',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'sms_non_gsm_characters',
        message: expect.stringContaining('á 📦'),
      }),
    ]);
  });

  it('reports a failure when rendering the sample data', () => {
    const problems = validateTemplate('{{etaText shipment.eta}}', {
      type: 'exception',
      channel: 'sms',
      part: 'body',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'render_error',
        message: expect.stringContaining('#if'),
      }),
    ]);
  });

  it('rejects a part the channel does not have', () => {
    expect(codes(validateTemplate('x', { type: 'shipped', channel: 'sms', part: 'html' }))).toEqual([
      'invalid_target',
    ]);
  });
});

describe('TemplateEngine.renderSms smart encoding', () => {
  const engine = new TemplateEngine();
  const source =
    'Hi {{customer.firstName}} {{customer.lastName}}, your order {{order.number}} is on its way.';

  it('keeps a name outside GSM-7 from adding segments: plain letters when the accents would cost one', () => {
    const vars = sampleVariables('shipped', { locale: 'en', channel: 'sms' });
    vars.customer = { firstName: 'Łukasz', lastName: 'Dvořák' };
    const long = `${source} We will text you again when it is out for delivery, with the time window.`;
    const { body, analysis } = engine.renderSms(long, vars);
    expect(body).toContain('Hi Lukasz Dvorak,');
    expect(analysis.encoding).toBe('GSM-7');
  });

  it('keeps accents when they cost no extra segment (SMS_ACCENTS=auto), always or never as configured', () => {
    const vars = sampleVariables('shipped', { locale: 'es', channel: 'sms' });
    vars.customer = { firstName: 'Sofía', lastName: null };
    const short = 'Hola {{customer.firstName}}, ¿dónde?';
    expect(engine.renderSms(short, vars).body).toBe('Hola Sofía, ¿dónde?');
    expect(engine.renderSms(short, vars, 'never').body).toBe('Hola Sofia, ¿donde?');
    const long = `${short} ${'Tu pedido está en camino y llegará pronto a tu dirección. '.repeat(2)}`;
    expect(engine.renderSms(long, vars).body).toContain('direccion');
    expect(engine.renderSms(long, vars, 'always').body).toContain('dirección');
    expect(engine.renderSms(long, vars, 'always').analysis.encoding).toBe('UCS-2');
  });

  it('keeps UCS-2 when no GSM-7 form exists (CJK, emoji), rather than mangling the text', () => {
    const vars = sampleVariables('shipped', { locale: 'en', channel: 'sms' });
    vars.customer = { firstName: '李雷', lastName: null };
    const { body, analysis } = engine.renderSms(source, vars);
    expect(body).toContain('李雷');
    expect(analysis.encoding).toBe('UCS-2');
  });
});
