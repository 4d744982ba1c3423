/**
 * Pure rendering of notification templates: Handlebars source + `TemplateVariables` in, subject/HTML/text or
 * SMS body out. Never touches a transport or the database (STYLE.md §7).
 *
 * One isolated Handlebars instance, strict mode (a missing variable is an error), only known helpers,
 * prototype access left disabled, HTML escaping for email HTML only. Compiled templates are cached by a
 * hash of their source, so a template is compiled once however often it is sent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import { convert as htmlToText } from 'html-to-text';
import type { Channel, NotificationType, SupportedLocale } from '../shared/notification.types';
import { analyzeSms, smartEncode, transliterateToGsm7, type SmsAnalysis } from '../shared/sms-segments';
import {
  loadI18nCatalogs,
  registerTemplateHelpers,
  TEMPLATE_HELPER_NAMES,
  TemplateRenderError,
  type RenderMode,
} from './template-helpers';
import {
  sampleVariables,
  templateVariablesFor,
  TEMPLATE_VARIABLES,
  type TemplateVariables,
} from './template-variables';
import { DEFAULT_TEMPLATES_DIR, type TemplatePart } from './default-templates';
import {
  ALLOWED_BUILT_IN_HELPERS,
  MAX_RENDERED_CHARS,
  nestingProblem,
  removeUndocumentedHelpers,
} from './template-limits';

type CompiledTemplate = Handlebars.TemplateDelegate<TemplateVariables>;
type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

export interface EmailSources {
  subject: string;
  html: string;
  /** Plain-text alternative; derived from the HTML when absent. */
  text?: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** SMS_ACCENTS: see {@link TemplateEngine.renderSms}. */
export type SmsAccents = 'auto' | 'always' | 'never';

export interface RenderedSms {
  body: string;
  analysis: SmsAnalysis;
}

export interface RenderStringOptions {
  escape: boolean;
  /** How helpers format links and words; defaults to 'html' when escaping, 'text' otherwise. */
  mode?: RenderMode;
}

export interface TemplateEngineOptions {
  /** Folder holding i18n/ and partials/; defaults to the repository's templates/. */
  templatesDir?: string;
  /** Compiled templates kept; the least recently used goes first. */
  cacheSize?: number;
  /** The brand's accent colour (BRAND_COLOR) for the email layout's buttons and highlights, as on the tracking page. */
  accentColor?: string;
}

/** The email layout's own accent, replaced by the brand's colour. */
const LAYOUT_ACCENT = '#0369a1';

export interface TemplateEngineStats {
  compiled: number;
  cacheHits: number;
  cached: number;
}

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  message: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

export type ProblemCode =
  | 'invalid_target'
  | 'parse_error'
  | 'unknown_variable'
  | 'variable_not_available'
  | 'unknown_helper'
  | 'unknown_partial'
  | 'render_error'
  | 'missing_unsubscribe_link'
  | 'sms_segments'
  | 'sms_too_long'
  | 'sms_non_gsm_characters'
  | 'template_too_complex'
  | 'template_too_expensive';

export interface ValidationTarget {
  type: NotificationType;
  channel: Channel;
  part: TemplatePart;
  /** Locale used for the sample render (SMS length); defaults to en. */
  locale?: SupportedLocale;
}

/** Above this, a text costs more than a short update should; above the hard limit it is refused. */
export const SMS_SEGMENTS_WARNING = 2;
export const SMS_SEGMENTS_LIMIT = 3;

/** The documented built-ins; `log` and the rest are unregistered (template-limits.ts). */
const BUILT_IN_HELPERS: readonly string[] = ALLOWED_BUILT_IN_HELPERS;
const CONTEXT_HELPERS = new Set(['with']);

/** Whatever the SMS tidy-up below would change: a tab, a run of spaces, space beside a line break, 3+ breaks. */
const NEEDS_TIDY = /\t|[ \t]{2}|[^\S\n]\n|\n[^\S\n]|\n{3}/;

export class TemplateEngine {
  private readonly hbs = Handlebars.create();
  /** Compiled templates by source, one map per escaping mode (a source string's hash is cached by V8). */
  private readonly cache = {
    escape: new Map<string, CompiledTemplate>(),
    raw: new Map<string, CompiledTemplate>(),
  };
  /** The CSS of every partial's style element (the layout's), inlined into each HTML source at compile time. */
  private partialCss = '';
  private readonly partialSources = new Map<string, string>();
  private readonly compiledPartials = new Map<'escape' | 'raw', Record<string, Handlebars.Template>>();
  private readonly cacheSize: number;
  private compiled = 0;
  private cacheHits = 0;
  readonly templatesDir: string;
  readonly accentColor: string | undefined;

  constructor(options: TemplateEngineOptions = {}) {
    this.templatesDir = options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
    this.accentColor = options.accentColor;
    this.cacheSize = options.cacheSize ?? 1000;
    registerTemplateHelpers(this.hbs, loadI18nCatalogs(this.templatesDir), (tag, className) =>
      this.inlineStyleOf(tag, className),
    );
    removeUndocumentedHelpers(this.hbs, TEMPLATE_HELPER_NAMES);
    const partialsDir = path.join(this.templatesDir, 'partials');
    if (fs.existsSync(partialsDir)) {
      for (const file of fs.readdirSync(partialsDir).sort()) {
        if (file.endsWith('.hbs')) {
          const source = fs.readFileSync(path.join(partialsDir, file), 'utf8');
          const accent = options.accentColor;
          this.partialSources.set(
            file.slice(0, -4),
            accent && /^#[0-9a-f]{6}$/i.test(accent) ? source.split(LAYOUT_ACCENT).join(accent) : source,
          );
        }
      }
    }
    this.partialCss = [...this.partialSources.values()]
      .flatMap((source) => [...source.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]))
      .join('\n');
  }

  get stats(): TemplateEngineStats {
    return {
      compiled: this.compiled,
      cacheHits: this.cacheHits,
      cached: this.cache.escape.size + this.cache.raw.size,
    };
  }

  partialNames(): string[] {
    return [...this.partialSources.keys()];
  }

  renderString(source: string, vars: TemplateVariables, options: RenderStringOptions): string {
    const mode = options.mode ?? (options.escape ? 'html' : 'text');
    const template = this.compile(source, options.escape);
    let output: string;
    try {
      output = template(vars, {
        data: { renderMode: mode },
        partials: this.partialsFor(options.escape),
        allowProtoPropertiesByDefault: false,
        allowProtoMethodsByDefault: false,
      });
    } catch (error) {
      if (error instanceof TemplateRenderError) throw error;
      throw new TemplateRenderError(error instanceof Error ? error.message : String(error));
    }
    if (output.length > MAX_RENDERED_CHARS)
      throw new TemplateRenderError(
        `The rendered text is ${output.length} characters long; the limit is ${MAX_RENDERED_CHARS}`,
      );
    return output;
  }

  renderEmail(sources: EmailSources, vars: TemplateVariables): RenderedEmail {
    // A subject is a header: no markup escaping, and never a line break (header injection).
    const subject = this.renderString(sources.subject, vars, { escape: false, mode: 'text' })
      .replace(/\s+/g, ' ')
      .trim();
    // CSS was inlined into the template's source when it was compiled (see inlineCss), not here per message.
    const html = this.renderString(sources.html, vars, { escape: true, mode: 'html' });
    const text = sources.text
      ? this.renderString(sources.text, vars, { escape: false, mode: 'text' })
      : htmlToText(html, {
          wordwrap: 78,
          selectors: [
            { selector: 'img', format: 'skip' },
            { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
            { selector: '.preheader', format: 'skip' },
          ],
        });
    return { subject, html, text: tidyText(text) };
  }

  /**
   * `accents` (SMS_ACCENTS): `auto` keeps letters outside GSM-7 (Spanish á í ó ú, French ç ê…) when the text
   * takes no more segments with them than without; `never` always writes the nearest GSM-7 letters; `always`
   * keeps them whatever the cost.
   */
  renderSms(source: string, vars: TemplateVariables, accents: SmsAccents = 'auto'): RenderedSms {
    const rendered = this.renderString(source, vars, { escape: false, mode: 'sms' });
    // Optional parts that render empty leave doubled spaces; typographic quotes would force UCS-2.
    // Runs of spaces become one, each line is trimmed, blank lines collapse to one (regexes over the whole text:
    // this runs for every message, and most texts need none of it, which one test finds out).
    let body = smartEncode(rendered);
    if (NEEDS_TIDY.test(body))
      body = body
        .replace(/[ \t]+/g, ' ')
        .replace(/[^\S\n]*\n[^\S\n]*/g, '\n')
        .replace(/\n{3,}/g, '\n\n');
    body = body.trim();
    const analysis = analyzeSms(body);
    if (analysis.encoding === 'GSM-7' || accents === 'always') return { body, analysis };
    // One character outside GSM-7 (a name like Łukasz or Zoë) would switch the whole text to UCS-2 and more
    // than double its segments. Like Twilio's Smart Encoding, fall back to the nearest GSM-7 letters when that
    // makes the whole text GSM-7; emoji and scripts with no GSM-7 form keep UCS-2.
    const transliterated = transliterateToGsm7(body);
    const fallback = analyzeSms(transliterated);
    if (fallback.encoding !== 'GSM-7') return { body, analysis };
    if (accents === 'auto' && analysis.segments <= fallback.segments) return { body, analysis };
    return { body: transliterated, analysis: fallback };
  }

  /** Static and sample-render checks an editor shows before a template is saved. */
  validateTemplate(source: string, target: ValidationTarget): Problem[] {
    const targetProblem = checkTarget(target);
    if (targetProblem) return [targetProblem];
    const parsed = parseWithLocation(source);
    if ('problem' in parsed) return [parsed.problem];

    const nesting = nestingProblem(parsed.ast);
    if (nesting) return [{ severity: 'error', ...nesting }];
    const problems = new AstChecker(target, new Set(this.partialNames())).check(parsed.ast);
    if (
      target.channel === 'email' &&
      target.part === 'html' &&
      !this.mentionsUnsubscribe(parsed.ast, new Set())
    ) {
      problems.push({
        severity: 'error',
        code: 'missing_unsubscribe_link',
        message: 'Email HTML must contain {{unsubscribeUrl}}, directly or through the email-layout partial.',
      });
    }
    if (problems.some((p) => p.severity === 'error')) return problems;

    const sample = sampleVariables(target.type, { locale: target.locale ?? 'en', channel: target.channel });
    try {
      if (target.channel === 'sms') {
        const { analysis } = this.renderSms(source, sample);
        if (analysis.segments > SMS_SEGMENTS_LIMIT) {
          problems.push({
            severity: 'error',
            code: 'sms_too_long',
            message: `With sample data this text takes ${analysis.segments} segments (${analysis.encoding}); the limit is ${SMS_SEGMENTS_LIMIT}.`,
          });
        } else if (analysis.segments > SMS_SEGMENTS_WARNING) {
          problems.push({
            severity: 'warning',
            code: 'sms_segments',
            message: `With sample data this text takes ${analysis.segments} segments (${analysis.encoding}); keep it to ${SMS_SEGMENTS_WARNING}.`,
          });
        }
        if (analysis.nonGsmCharacters.length > 0) {
          problems.push({
            severity: 'warning',
            code: 'sms_non_gsm_characters',
            message: `Characters outside GSM-7 make the text UCS-2 (70 characters a segment): ${analysis.nonGsmCharacters.join(' ')}`,
          });
        }
      } else {
        this.renderString(source, sample, {
          escape: target.part === 'html',
          mode: target.part === 'html' ? 'html' : 'text',
        });
      }
    } catch (error) {
      problems.push({
        severity: 'error',
        code: 'render_error',
        message: `Rendering with sample data failed: ${error instanceof Error ? error.message : String(error)}`,
        ...hbsLocation(error),
      });
    }
    return problems;
  }

  /** Partials are fixed at construction: compiled once per escaping mode, outside the LRU cache. */
  private partialsFor(escape: boolean): Record<string, Handlebars.Template> {
    const key = escape ? 'escape' : 'raw';
    let partials = this.compiledPartials.get(key);
    if (!partials) {
      partials = {};
      for (const [name, source] of this.partialSources)
        partials[name] = this.hbs.compile(escape ? this.inlineCss(source) : source, compileOptions(escape));
      this.compiledPartials.set(key, partials);
    }
    return partials;
  }

  private compile(source: string, escape: boolean): CompiledTemplate {
    const cache = escape ? this.cache.escape : this.cache.raw;
    const hit = cache.get(source);
    if (hit) {
      this.cacheHits += 1;
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
    let template: CompiledTemplate;
    try {
      // Handlebars compiles lazily on first call; parse now so a broken template fails here, not mid-send.
      this.hbs.parse(source);
      template = this.hbs.compile<TemplateVariables>(
        escape ? this.inlineCss(source) : source,
        compileOptions(escape),
      );
    } catch (error) {
      throw new TemplateRenderError(error instanceof Error ? error.message : String(error));
    }
    this.compiled += 1;
    cache.set(source, template);
    if (cache.size > this.cacheSize) cache.delete(cache.keys().next().value as string);
    return template;
  }

  /**
   * Email CSS is inlined once per template source, at compile time, as email build tools do: juice leaves the
   * Handlebars expressions in place ({{…}} are code blocks to it) and applies the layout's CSS, and a template's
   * own style element, to the elements the source contains; markup that helpers add at render time (the tracking
   * button) gets its style from inlineStyleOf. The output is the same as inlining each rendered message, which
   * cost about 0.9 ms of CPU per email. One difference: a template's own style element reaches only its own elements,
   * not the layout's.
   */
  private readonly helperStyles = new Map<string, string | null>();
  /** What the layout's CSS gives one element: computed once per (tag, class) for markup helpers emit. */
  private inlineStyleOf(tag: string, className: string): string | null {
    const key = `${tag}.${className}`;
    if (!this.helperStyles.has(key)) {
      const element = juice(`<${tag} class="${className.replace(/[^\w -]/g, '')}"></${tag}>`, {
        extraCss: this.partialCss,
      });
      this.helperStyles.set(key, /style="([^"]*)"/.exec(element)?.[1]?.trim() ?? null);
    }
    return this.helperStyles.get(key)!;
  }

  private inlineCss(source: string): string {
    return juice(source, { extraCss: this.partialCss });
  }

  private mentionsUnsubscribe(ast: hbs.AST.Program, seenPartials: Set<string>): boolean {
    let found = false;
    visit(ast, (node) => {
      if (
        node.type === 'PathExpression' &&
        (node as hbs.AST.PathExpression).original.replace(/^@root\./, '') === 'unsubscribeUrl'
      ) {
        found = true;
      }
      if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
        const name = partialName(node as hbs.AST.PartialStatement);
        const partial = name ? this.partialSources.get(name) : undefined;
        if (name && partial !== undefined && !seenPartials.has(name)) {
          seenPartials.add(name);
          if (this.mentionsUnsubscribe(Handlebars.parse(partial), seenPartials)) found = true;
        }
      }
    });
    return found;
  }
}

function compileOptions(escape: boolean): CompileOptions {
  return {
    strict: true,
    noEscape: !escape,
    // `log: false`: the compiler counts `log` as known by default, so strict templates could still call it.
    knownHelpers: { ...Object.fromEntries(TEMPLATE_HELPER_NAMES.map((name) => [name, true])), log: false },
    knownHelpersOnly: true,
  };
}

let sharedEngine: TemplateEngine | undefined;

/** `TemplateEngine.validateTemplate` on an engine over the default templates folder. */
export function validateTemplate(
  source: string,
  target: ValidationTarget,
  engine?: TemplateEngine,
): Problem[] {
  return (engine ?? (sharedEngine ??= new TemplateEngine())).validateTemplate(source, target);
}

function tidyText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function checkTarget(target: ValidationTarget): Problem | null {
  const parts: Record<Channel, TemplatePart[]> = { sms: ['body'], email: ['subject', 'html', 'text'] };
  if (!(target.type in TEMPLATE_VARIABLES)) {
    return {
      severity: 'error',
      code: 'invalid_target',
      message: `Unknown notification type "${target.type}".`,
    };
  }
  if (!parts[target.channel]?.includes(target.part)) {
    return {
      severity: 'error',
      code: 'invalid_target',
      message: `A ${target.channel} template has no "${target.part}" part.`,
    };
  }
  return null;
}

function hbsLocation(error: unknown): Pick<Problem, 'line' | 'column'> {
  const e = error as { lineNumber?: number; column?: number; message?: string };
  if (typeof e?.lineNumber === 'number') return { line: e.lineNumber, column: (e.column ?? 0) + 1 };
  // Strict-mode lookups report "… - line:column" (column 0-based).
  const match = / - (\d+):(\d+)$/.exec(e?.message ?? '');
  return match ? { line: Number(match[1]), column: Number(match[2]) + 1 } : {};
}

interface JisonErrorHash {
  loc?: { first_line: number; last_line: number; first_column: number; last_column: number };
  line?: number;
  text?: string;
  token?: string;
  expected?: string[];
}

interface JisonParser {
  yy: Record<string, unknown>;
  parse(source: string): unknown;
}

/**
 * Handlebars.parse, with a location for grammar errors too. Handlebars' own errors (mismatched blocks) carry
 * lineNumber/column; the generated parser only puts a line into its message, so on failure the source is
 * parsed again by a private parser object whose error hook keeps the token location.
 */
function parseWithLocation(source: string): { ast: hbs.AST.Program } | { problem: Problem } {
  try {
    return { ast: Handlebars.parse(source) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const located = hbsLocation(error);
    if (located.line !== undefined) {
      return {
        problem: {
          severity: 'error',
          code: 'parse_error',
          message: message.replace(/ - \d+:\d+$/, ''),
          ...located,
        },
      };
    }
    const hash = grammarErrorHash(source);
    const firstLine = message.split('\n')[0];
    const expected = hash?.expected?.length
      ? ` Expected ${hash.expected.slice(0, 6).join(', ')}${hash.expected.length > 6 ? ', …' : ''}.`
      : '';
    const got = hash?.token
      ? ` Got ${hash.token === 'EOF' ? 'end of template' : `'${hash.text || hash.token}'`}.`
      : '';
    const lineMatch = /line (\d+)/.exec(firstLine);
    const problem: Problem = {
      severity: 'error',
      code: 'parse_error',
      message: `${firstLine.replace(/:$/, '')}.${got}${expected}`,
    };
    if (hash?.loc) {
      // The location is the last token read; the error sits right after it.
      problem.line = hash.loc.last_line;
      problem.column = hash.loc.last_column + 1;
    } else if (lineMatch) {
      problem.line = Number(lineMatch[1]);
    }
    return { problem };
  }
}

function grammarErrorHash(source: string): JisonErrorHash | null {
  const shared = (Handlebars as unknown as { Parser: JisonParser }).Parser;
  if (!shared?.yy) return null;
  let captured: JisonErrorHash | null = null;
  const parser = Object.create(shared) as JisonParser;
  parser.yy = Object.create(shared.yy, {
    parseError: {
      value: (message: string, hash: JisonErrorHash) => {
        captured = hash;
        throw new Error(message);
      },
    },
  });
  try {
    parser.parse(source);
  } catch {
    // expected: the hook above captured the location
  }
  return captured;
}

type AnyNode = hbs.AST.Node & Record<string, unknown>;

/** Depth-first walk over every node (statements, expressions, hash pairs, nested programs). */
function visit(node: unknown, fn: (node: hbs.AST.Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) visit(child, fn);
    return;
  }
  const n = node as AnyNode;
  if (typeof n.type !== 'string') return;
  fn(n);
  for (const key of ['body', 'path', 'params', 'hash', 'pairs', 'value', 'program', 'inverse', 'name'])
    visit(n[key], fn);
}

function partialName(node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement): string | null {
  const name = node.name as hbs.AST.PathExpression | hbs.AST.SubExpression;
  return name.type === 'PathExpression' ? (name as hbs.AST.PathExpression).original : null;
}

interface Scope {
  /** Path of the current context from the root, or null where it cannot be known (inside #each). */
  prefix: string[] | null;
  blockParams: string[];
}

/** Resolves every path against the scopes #with / #each open, and checks helpers and partials exist. */
class AstChecker {
  private readonly allowed: Set<string>;
  private readonly everywhere: Set<string>;
  private readonly helpers = new Set<string>([...TEMPLATE_HELPER_NAMES, ...BUILT_IN_HELPERS]);
  private readonly inlinePartials = new Set<string>();
  private readonly problems: Problem[] = [];

  constructor(
    private readonly target: ValidationTarget,
    private readonly partials: Set<string>,
  ) {
    this.allowed = new Set(templateVariablesFor(target.type, target.channel).map((d) => d.name));
    this.everywhere = new Set(TEMPLATE_VARIABLES[target.type].map((d) => d.name));
  }

  check(ast: hbs.AST.Program): Problem[] {
    visit(ast, (node) => {
      if (node.type === 'DecoratorBlock') {
        const decorator = node as unknown as hbs.AST.BlockStatement;
        const nameParam = decorator.params[0];
        if (nameParam?.type === 'StringLiteral')
          this.inlinePartials.add((nameParam as hbs.AST.StringLiteral).value);
      }
    });
    this.program(ast, [{ prefix: [], blockParams: [] }]);
    return this.problems;
  }

  private program(program: hbs.AST.Program | undefined | null, scopes: Scope[]): void {
    if (!program) return;
    for (const statement of program.body) this.statement(statement, scopes);
  }

  private statement(node: hbs.AST.Statement, scopes: Scope[]): void {
    switch (node.type) {
      case 'MustacheStatement':
      case 'BlockStatement':
      case 'DecoratorBlock': {
        const call = node as hbs.AST.BlockStatement;
        const isBlock = node.type !== 'MustacheStatement';
        const hasArgs = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
        const name = call.path.type === 'PathExpression' ? (call.path as hbs.AST.PathExpression) : null;
        const isHelper =
          name !== null &&
          !name.data &&
          name.depth === 0 &&
          name.parts.length === 1 &&
          this.helpers.has(name.parts[0]);
        if (node.type === 'DecoratorBlock') {
          this.args(call, scopes);
          this.program(call.program, scopes);
          return;
        }
        if (isHelper) {
          this.args(call, scopes);
        } else if (hasArgs && name) {
          this.problem('error', 'unknown_helper', `Unknown helper "${name.original}".`, name);
          this.args(call, scopes);
        } else {
          this.expression(call.path, scopes);
        }
        if (!isBlock) return;
        let inner = scopes;
        const helper = isHelper ? name!.parts[0] : null;
        if (helper === 'each') {
          inner = [...scopes, { prefix: null, blockParams: call.program?.blockParams ?? [] }];
        } else if (helper && CONTEXT_HELPERS.has(helper)) {
          inner = [
            ...scopes,
            { prefix: this.resolve(call.params[0], scopes), blockParams: call.program?.blockParams ?? [] },
          ];
        } else if (!helper) {
          // {{#shipment.pickup}}…{{/shipment.pickup}}: a section that switches context to the value.
          inner = [...scopes, { prefix: this.resolve(call.path, scopes), blockParams: [] }];
        }
        this.program(call.program, inner);
        this.program(call.inverse, scopes);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const partial = node as hbs.AST.PartialBlockStatement;
        const name = partialName(partial);
        if (name === null) this.expression(partial.name as hbs.AST.Expression, scopes);
        else if (!name.startsWith('@') && !this.partials.has(name) && !this.inlinePartials.has(name)) {
          this.problem(
            'error',
            'unknown_partial',
            `Unknown partial "${name}".`,
            partial.name as hbs.AST.Node,
          );
        }
        for (const param of partial.params) this.expression(param, scopes);
        for (const pair of partial.hash?.pairs ?? []) this.expression(pair.value, scopes);
        if (node.type === 'PartialBlockStatement') this.program(partial.program, scopes);
        return;
      }
      default:
        return;
    }
  }

  private args(call: { params: hbs.AST.Expression[]; hash: hbs.AST.Hash }, scopes: Scope[]): void {
    for (const param of call.params) this.expression(param, scopes);
    for (const pair of call.hash?.pairs ?? []) this.expression(pair.value, scopes);
  }

  private expression(node: hbs.AST.Expression, scopes: Scope[]): void {
    if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      const name = sub.path as hbs.AST.PathExpression;
      if (!this.helpers.has(name.original))
        this.problem('error', 'unknown_helper', `Unknown helper "${name.original}".`, name);
      this.args(sub, scopes);
      return;
    }
    if (node.type !== 'PathExpression') return;
    const pathNode = node as hbs.AST.PathExpression;
    if (pathNode.data && pathNode.parts[0] !== 'root') return; // @index, @key, @first, @partial-block …
    if (
      !pathNode.data &&
      pathNode.depth === 0 &&
      pathNode.parts.length === 1 &&
      this.helpers.has(pathNode.parts[0])
    )
      return;
    const resolved = this.resolve(pathNode, scopes);
    if (resolved === null || resolved.length === 0) return;
    const dotted = resolved.join('.');
    if (this.allowed.has(dotted)) return;
    if (this.everywhere.has(dotted)) {
      this.problem(
        'error',
        'variable_not_available',
        `"${dotted}" is not available in ${this.target.channel} templates.`,
        pathNode,
      );
    } else {
      this.problem(
        'error',
        'unknown_variable',
        `Unknown variable "${dotted}" for ${this.target.type} ${this.target.channel} templates.`,
        pathNode,
      );
    }
  }

  /** The path's parts from the root, or null when it cannot be known statically. */
  private resolve(node: hbs.AST.Expression | undefined, scopes: Scope[]): string[] | null {
    if (!node || node.type !== 'PathExpression') return null;
    const p = node as hbs.AST.PathExpression;
    if (p.data) return p.parts[0] === 'root' ? p.parts.slice(1) : null;
    if (p.depth === 0 && p.parts.length > 0 && scopes.some((s) => s.blockParams.includes(p.parts[0])))
      return null;
    const scope = scopes[scopes.length - 1 - p.depth];
    if (!scope || scope.prefix === null) return null;
    return [...scope.prefix, ...p.parts];
  }

  private problem(
    severity: Problem['severity'],
    code: ProblemCode,
    message: string,
    node: hbs.AST.Node,
  ): void {
    const loc = node.loc;
    this.problems.push({
      severity,
      code,
      message,
      ...(loc ? { line: loc.start.line, column: loc.start.column + 1 } : {}),
    });
  }
}
