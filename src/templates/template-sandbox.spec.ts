import { performance } from 'node:perf_hooks';
import { AppException } from '../common/app.exception';
import { DEFAULT_TEMPLATES_DIR } from './default-templates';
import { TemplateRenderError } from './template-helpers';
import { TemplateSandbox } from './template-sandbox';
import type { TemplateStore } from './template-store.service';
import { sampleVariables } from './template-variables';

/** 2^24 calls of an empty inline partial: within every static bound, seconds of CPU. */
const FAN_OUT =
  '{{#*inline "p0"}}{{/inline}}' +
  Array.from({ length: 24 }, (_, i) => `{{#*inline "p${i + 1}"}}{{> p${i}}}{{> p${i}}}{{/inline}}`).join('') +
  '{{> p24}}';

describe('TemplateSandbox', () => {
  const sandbox = new TemplateSandbox({ engine: { templatesDir: DEFAULT_TEMPLATES_DIR } } as TemplateStore);
  afterAll(() => sandbox.onModuleDestroy());

  it('validates and renders ordinary templates in the worker', async () => {
    await expect(
      sandbox.validate('Hi {{customer.firstName}}', { type: 'shipped', channel: 'sms', part: 'body' }),
    ).resolves.toEqual([]);
    const sms = await sandbox.renderSms(
      'On its way: {{order.number}}',
      sampleVariables('shipped', { channel: 'sms' }),
    );
    expect(sms.body).toMatch(/^On its way: \S+/);
  });

  it('refuses an expensive template with template_too_expensive and keeps the event loop free meanwhile', async () => {
    const started = performance.now();
    let longestStall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last - 10);
      last = now;
    }, 10);
    const error = await sandbox
      .validate(FAN_OUT, { type: 'shipped', channel: 'sms', part: 'body' })
      .catch((e: unknown) => e);
    clearInterval(ticker);
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({ code: 'template_too_expensive', status: 422 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(longestStall).toBeLessThan(100);
  });

  it('starts a fresh worker after a terminated one and reports render errors as render errors', async () => {
    const error = await sandbox
      .renderSms('{{#*inline "r"}}{{> r}}{{/inline}}{{> r}}', sampleVariables('shipped', { channel: 'sms' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateRenderError);
    await expect(sandbox.renderChat('Hello {{#if multiple}}all{{/if}}')).resolves.toBe('Hello all');
  });
});
