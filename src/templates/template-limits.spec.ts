import Handlebars from 'handlebars';
import { TemplateEngine } from './template-engine';
import { TemplateRenderError } from './template-helpers';
import {
  MAX_BLOCK_DEPTH,
  MAX_RENDERED_CHARS,
  nestingProblem,
  removeUndocumentedHelpers,
} from './template-limits';
import { sampleVariables } from './template-variables';

const nestedEach = (n: number) => '{{#each @root}}'.repeat(n) + 'x' + '{{/each}}'.repeat(n);

describe('nestingProblem', () => {
  it('names the eight nested {{#each @root}} of issue 14 (193 characters) with its place', () => {
    const source = nestedEach(8);
    expect(source).toHaveLength(193);
    expect(nestingProblem(Handlebars.parse(source))).toEqual({
      code: 'template_too_complex',
      message: expect.stringContaining('{{#each}} is nested 3 deep'),
      line: 1,
      column: 31,
    });
  });

  it('allows two levels of #each and the depth of the default templates', () => {
    expect(nestingProblem(Handlebars.parse(nestedEach(2)))).toBeNull();
    const ifs = (n: number) => '{{#if a}}'.repeat(n) + 'x' + '{{/if}}'.repeat(n);
    expect(nestingProblem(Handlebars.parse(ifs(MAX_BLOCK_DEPTH)))).toBeNull();
    expect(nestingProblem(Handlebars.parse(ifs(MAX_BLOCK_DEPTH + 1)))?.message).toContain(
      `at most ${MAX_BLOCK_DEPTH} levels`,
    );
  });

  it('counts else branches and partial blocks as nesting too', () => {
    const source =
      '{{#if a}}{{else}}' +
      '{{#> layout}}'.repeat(MAX_BLOCK_DEPTH) +
      '{{/layout}}'.repeat(MAX_BLOCK_DEPTH) +
      '{{/if}}';
    expect(nestingProblem(Handlebars.parse(source))?.code).toBe('template_too_complex');
  });
});

describe('removeUndocumentedHelpers', () => {
  it('removes log (and anything else undocumented) so a template can no longer write to stdout', () => {
    const hbs = Handlebars.create();
    hbs.registerHelper('ours', () => 'ok');
    hbs.registerHelper('stray', () => 'no');
    const refused = removeUndocumentedHelpers(hbs, ['ours']);
    expect(Object.keys(hbs.helpers).sort()).toEqual(
      ['blockHelperMissing', 'each', 'helperMissing', 'if', 'lookup', 'ours', 'unless', 'with'].sort(),
    );
    expect(refused).toEqual({ log: false, stray: false });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const compile = (source: string) =>
      hbs.compile(source, { strict: true, knownHelpers: { ours: true, ...refused }, knownHelpersOnly: true })(
        {},
      );
    expect(() => compile('{{log "forged line"}}')).toThrow(/unknown helper log/);
    expect(compile('{{ours}}')).toBe('ok');
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});

describe('TemplateEngine limits', () => {
  const engine = new TemplateEngine();
  const vars = sampleVariables('shipped', { channel: 'email' });

  it('refuses {{log}} when validating and when rendering, writing nothing to stdout', () => {
    const write = jest.spyOn(process.stdout, 'write');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const problems = engine.validateTemplate('{{log "INFO forged" order.number}}', {
      type: 'shipped',
      channel: 'email',
      part: 'text',
    });
    expect(problems).toEqual([expect.objectContaining({ code: 'unknown_helper', severity: 'error' })]);
    expect(() => engine.renderString('{{log order.number}}', vars, { escape: false })).toThrow(
      TemplateRenderError,
    );
    expect(log).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalledWith(expect.stringContaining('INFO forged'));
    log.mockRestore();
    write.mockRestore();
  });

  it('reports deep nesting as template_too_complex before rendering', () => {
    const problems = engine.validateTemplate(nestedEach(8), {
      type: 'shipped',
      channel: 'sms',
      part: 'body',
    });
    expect(problems).toEqual([expect.objectContaining({ code: 'template_too_complex', severity: 'error' })]);
  });

  it(`fails a render whose output exceeds ${MAX_RENDERED_CHARS} characters`, () => {
    const big = '{{#each @root}}{{#each @root}}' + 'x'.repeat(5000) + '{{/each}}{{/each}}';
    expect(() => engine.renderString(big, vars, { escape: false })).toThrow(/the limit is/);
  });
});
