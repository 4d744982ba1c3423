/**
 * The chat's wording: templates/chat/{en,es,fr,de}.json, one Handlebars string per reply name, editable like the
 * notification templates. Pure rendering: no database, no transport.
 *
 * An isolated Handlebars instance in strict mode, so a template that names a variable the bot does not pass fails
 * loudly in tests instead of saying "undefined" to a shopper. No HTML escaping: replies are plain text, and the
 * widget inserts them with textContent. Every default is compiled once, at start-up, and every language must carry
 * every key English has, so a missing translation is a start-up error rather than a blank reply.
 *
 * Replies published in the template editor (channel `chat`) replace the defaults: `refresh()`, called at the start
 * of every turn, asks the template store, which re-reads published versions only when the shared revision counter
 * moved (checked at most once a second, as for notification templates), so a publish reaches every process.
 */
import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeUndocumentedHelpers } from '../templates/template-limits';
import Handlebars from 'handlebars';

export const CHAT_TEMPLATE_LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type ChatTemplateLanguage = (typeof CHAT_TEMPLATE_LANGUAGES)[number];

/** The repository's templates/chat folder, from src/chat (ts-node, jest) and dist/src/chat alike. */
export const CHAT_TEMPLATES_DIR = path.resolve(__dirname, '../../templates/chat');

export type ChatTemplateVariables = Record<string, string | number | boolean | null>;

/** A published chat reply: `type` is the reply key, as the template editor stores it. */
export interface PublishedChatReply {
  type: string;
  locale: string;
  body: string;
}

/** Where published replies come from (the template store): the same revision means the same replies. */
export interface PublishedChatReplies {
  publishedChatReplies(): Promise<{ revision: string | null; replies: PublishedChatReply[] }>;
}

type Compiled = Map<ChatTemplateLanguage, Map<string, Handlebars.TemplateDelegate>>;

export class ChatTemplates {
  private readonly logger = new Logger(ChatTemplates.name);
  private readonly handlebars = Handlebars.create();
  private readonly compiled: Compiled = new Map();
  /** Published replies in force, by language and key; a key without one uses the default. */
  private published: Compiled = new Map();
  private revision: string | null | undefined = undefined;

  private constructor(
    sources: Record<ChatTemplateLanguage, Record<string, string>>,
    private readonly source?: PublishedChatReplies,
  ) {
    // Only the documented built-ins: `log` would write to stdout past the logger's redaction (issue 14).
    removeUndocumentedHelpers(this.handlebars, []);
    const reference = Object.keys(sources.en);
    for (const language of CHAT_TEMPLATE_LANGUAGES) {
      const missing = reference.filter((key) => typeof sources[language][key] !== 'string');
      if (missing.length) throw new Error(`Chat templates for ${language} lack: ${missing.join(', ')}`);
      const templates = new Map<string, Handlebars.TemplateDelegate>();
      for (const [key, text] of Object.entries(sources[language])) templates.set(key, this.compile(text));
      this.compiled.set(language, templates);
    }
  }

  static fromDirectory(dir: string = CHAT_TEMPLATES_DIR, published?: PublishedChatReplies): ChatTemplates {
    const sources = {} as Record<ChatTemplateLanguage, Record<string, string>>;
    for (const language of CHAT_TEMPLATE_LANGUAGES) {
      sources[language] = JSON.parse(fs.readFileSync(path.join(dir, `${language}.json`), 'utf8')) as Record<
        string,
        string
      >;
    }
    return new ChatTemplates(sources, published);
  }

  /**
   * Brings published replies up to date before a turn. Cheap when nothing changed: the store answers from its
   * cache between revision checks, and replies are compiled again only when the revision moved. A failure keeps
   * the replies in force, as the notification templates do.
   */
  async refresh(): Promise<void> {
    if (!this.source) return;
    try {
      const { revision, replies } = await this.source.publishedChatReplies();
      if (revision === this.revision) return;
      const published: Compiled = new Map();
      for (const reply of replies) {
        const language = reply.locale as ChatTemplateLanguage;
        // Only replies the bot has: a key or language the defaults lack is never asked for.
        if (!this.compiled.get(language)?.has(reply.type)) continue;
        try {
          // Parsing now, not at the first render, so a broken text is refused here and the default stays.
          this.handlebars.parse(reply.body);
        } catch (err) {
          this.logger.warn(
            `Published chat reply ${reply.type}/${reply.locale} ignored: ${(err as Error).message}`,
          );
          continue;
        }
        if (!published.has(language)) published.set(language, new Map());
        published.get(language)!.set(reply.type, this.compile(reply.body));
      }
      this.published = published;
      this.revision = revision;
    } catch (err) {
      this.logger.warn(`Published chat replies not refreshed: ${(err as Error).message}`);
    }
  }

  keys(): string[] {
    return [...(this.compiled.get('en')?.keys() ?? [])];
  }

  render(language: ChatTemplateLanguage, key: string, variables: ChatTemplateVariables = {}): string {
    const published = this.published.get(language)?.get(key);
    if (published) {
      try {
        return published(variables).trim();
      } catch (err) {
        // The editor checks a reply's variables before publishing; should one still fail, the default answers.
        this.logger.warn(
          `Published chat reply ${key}/${language} failed, default used: ${(err as Error).message}`,
        );
      }
    }
    const template = this.compiled.get(language)?.get(key) ?? this.compiled.get('en')?.get(key);
    if (!template) throw new Error(`Unknown chat template: ${key}`);
    return template(variables).trim();
  }

  private compile(text: string): Handlebars.TemplateDelegate {
    return this.handlebars.compile(text, { strict: true, noEscape: true });
  }
}

/** The template language for a BCP 47 tag ("es-MX" → "es"); English for anything else. */
export function chatLanguageOf(locale: string | null | undefined): ChatTemplateLanguage {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  return (CHAT_TEMPLATE_LANGUAGES as readonly string[]).includes(language)
    ? (language as ChatTemplateLanguage)
    : 'en';
}
