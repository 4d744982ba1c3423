/**
 * Chat reply templates as the template editor sees them: templates/chat/<locale>.json, one Handlebars string per
 * reply key. The chat feature owns rendering them; this file only lists, checks and previews their text, so it
 * reads the folder defensively (missing folder, missing language, malformed JSON all mean "no chat templates").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { DEFAULT_TEMPLATES_DIR } from './default-templates';
import {
  ALLOWED_BUILT_IN_HELPERS,
  MAX_RENDERED_CHARS,
  nestingProblem,
  removeUndocumentedHelpers,
} from './template-limits';
import type { Problem } from './template-engine';

export type ChatDefaults = Map<string, Map<string, string>>;

/** locale → reply key → source. */
export function loadChatDefaults(templatesDir: string = DEFAULT_TEMPLATES_DIR): ChatDefaults {
  const out: ChatDefaults = new Map();
  const dir = path.join(templatesDir, 'chat');
  if (!fs.existsSync(dir)) return out;
  for (const file of fs.readdirSync(dir).sort()) {
    const match = /^([a-z]{2})\.json$/.exec(file);
    if (!match) continue;
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      const replies = new Map<string, string>();
      for (const [key, value] of Object.entries(parsed))
        if (typeof value === 'string') replies.set(key, value);
      out.set(match[1], replies);
    } catch {
      // A half-written file from the chat work in progress must not take the editor down.
    }
  }
  return out;
}

// Plain text, strict like the chat's own instance, only the built-in helpers.
const chatHbs = Handlebars.create();
const BUILT_INS = new Set<string>(ALLOWED_BUILT_IN_HELPERS);
removeUndocumentedHelpers(chatHbs, []);

/** Example values so a preview reads like a real reply; anything else shows as [name]. */
const CHAT_SAMPLES: Record<string, string | number | boolean> = {
  order: '#WS-1048213',
  count: 2,
  index: 1,
  minutes: 15,
  supportUrl: 'https://northwind-outfitters.com/help',
  carrier: 'UPS',
  trackingNumber: '1Z999AA10123456784',
  trackingUrl: 'https://track.wismo-shop.com/t/1Z999AA10123456784',
  url: 'https://track.wismo-shop.com/t/1Z999AA10123456784',
  date: 'Tuesday 12 May',
  time: '09:30',
  start: '10:00',
  end: '14:00',
  place: 'Berlin',
  multiple: true,
};

/** Top-level variable names a chat template uses (what the bot must pass). */
export function chatVariableNames(source: string): Set<string> {
  const names = new Set<string>();
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch {
    return names;
  }
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown> & { type?: string };
    if (n.type === 'PathExpression') {
      const p = n as unknown as hbs.AST.PathExpression;
      if (!p.data && p.parts.length > 0 && !BUILT_INS.has(p.parts[0])) names.add(p.parts[0]);
      return;
    }
    for (const key of ['body', 'path', 'params', 'hash', 'pairs', 'value', 'program', 'inverse'])
      walk(n[key]);
  };
  walk(ast);
  return names;
}

export function chatSample(names: Iterable<string>): Record<string, string | number | boolean> {
  const sample: Record<string, string | number | boolean> = {};
  for (const name of names) sample[name] = CHAT_SAMPLES[name] ?? `[${name}]`;
  return sample;
}

/**
 * Parse errors, variables the bot does not pass for this reply (strict rendering would fail at run time),
 * then a render with sample values.
 */
export function validateChatTemplate(source: string, known: Set<string>): Problem[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    return [{ severity: 'error', code: 'parse_error', ...errorText(error) }];
  }
  const nesting = nestingProblem(ast);
  if (nesting) return [{ severity: 'error', ...nesting }];
  const problems: Problem[] = [];
  for (const name of chatVariableNames(source)) {
    if (!known.has(name)) {
      problems.push({
        severity: 'error',
        code: 'unknown_variable',
        message: `Unknown variable "${name}" for this reply; it can use: ${[...known].join(', ') || 'none'}.`,
        ...locate(source, name),
      });
    }
  }
  if (problems.length > 0) return problems;
  try {
    renderChatTemplate(source);
  } catch (error) {
    problems.push({ severity: 'error', code: 'render_error', ...errorText(error) });
  }
  return problems;
}

export function renderChatTemplate(source: string): string {
  const template = chatHbs.compile(source, {
    strict: true,
    noEscape: true,
    knownHelpers: { ...Object.fromEntries([...BUILT_INS].map((h) => [h, true])), log: false },
    knownHelpersOnly: true,
  });
  const output = template(chatSample(chatVariableNames(source))).trim();
  if (output.length > MAX_RENDERED_CHARS)
    throw new Error(
      `The rendered reply is ${output.length} characters long; the limit is ${MAX_RENDERED_CHARS}`,
    );
  return output;
}

function errorText(error: unknown): { message: string; line?: number; column?: number } {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const message = (e?.message ?? String(error)).split('\n')[0].replace(/ - \d+:\d+$/, '');
  if (typeof e?.lineNumber === 'number') return { message, line: e.lineNumber, column: (e.column ?? 0) + 1 };
  const line = /line (\d+)/.exec(e?.message ?? '');
  return line ? { message, line: Number(line[1]) } : { message };
}

function locate(source: string, name: string): { line?: number; column?: number } {
  const index = source.search(new RegExp(`\\{\\{[^}]*\\b${name.replace(/[^\w]/g, '')}\\b`));
  if (index < 0) return {};
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
