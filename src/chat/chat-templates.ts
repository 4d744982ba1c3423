/**
 * The chat's wording: templates/chat/{en,es,fr,de}.json, one Handlebars string per reply name, editable like the
 * notification templates. Pure rendering: no database, no transport.
 *
 * An isolated Handlebars instance in strict mode, so a template that names a variable the bot does not pass fails
 * loudly in tests instead of saying "undefined" to a shopper. No HTML escaping: replies are plain text, and the
 * widget inserts them with textContent. Every template is compiled once, at start-up, and every language must carry
 * every key English has, so a missing translation is a start-up error rather than a blank reply.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';

export const CHAT_TEMPLATE_LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type ChatTemplateLanguage = (typeof CHAT_TEMPLATE_LANGUAGES)[number];

/** The repository's templates/chat folder, from src/chat (ts-node, jest) and dist/src/chat alike. */
export const CHAT_TEMPLATES_DIR = path.resolve(__dirname, '../../templates/chat');

export type ChatTemplateVariables = Record<string, string | number | boolean | null>;

export class ChatTemplates {
  private readonly compiled = new Map<ChatTemplateLanguage, Map<string, Handlebars.TemplateDelegate>>();

  private constructor(sources: Record<ChatTemplateLanguage, Record<string, string>>) {
    const handlebars = Handlebars.create();
    const reference = Object.keys(sources.en);
    for (const language of CHAT_TEMPLATE_LANGUAGES) {
      const missing = reference.filter((key) => typeof sources[language][key] !== 'string');
      if (missing.length) throw new Error(`Chat templates for ${language} lack: ${missing.join(', ')}`);
      const templates = new Map<string, Handlebars.TemplateDelegate>();
      for (const [key, source] of Object.entries(sources[language])) {
        templates.set(key, handlebars.compile(source, { strict: true, noEscape: true }));
      }
      this.compiled.set(language, templates);
    }
  }

  static fromDirectory(dir: string = CHAT_TEMPLATES_DIR): ChatTemplates {
    const sources = {} as Record<ChatTemplateLanguage, Record<string, string>>;
    for (const language of CHAT_TEMPLATE_LANGUAGES) {
      sources[language] = JSON.parse(fs.readFileSync(path.join(dir, `${language}.json`), 'utf8')) as Record<
        string,
        string
      >;
    }
    return new ChatTemplates(sources);
  }

  keys(): string[] {
    return [...(this.compiled.get('en')?.keys() ?? [])];
  }

  render(language: ChatTemplateLanguage, key: string, variables: ChatTemplateVariables = {}): string {
    const template = this.compiled.get(language)?.get(key) ?? this.compiled.get('en')?.get(key);
    if (!template) throw new Error(`Unknown chat template: ${key}`);
    return template(variables).trim();
  }
}

/** The template language for a BCP 47 tag ("es-MX" → "es"); English for anything else. */
export function chatLanguageOf(locale: string | null | undefined): ChatTemplateLanguage {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  return (CHAT_TEMPLATE_LANGUAGES as readonly string[]).includes(language)
    ? (language as ChatTemplateLanguage)
    : 'en';
}
