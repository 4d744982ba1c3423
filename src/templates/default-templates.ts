/**
 * The default notification templates shipped with the service, read from templates/notifications/ on disk:
 * {type}/{locale}/sms.hbs and email.subject.hbs, email.html.hbs, email.text.hbs. Shared email partials live
 * in templates/partials/, wording used by helpers in templates/i18n/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHANNELS,
  LOCALES,
  NOTIFICATION_TYPES,
  type Channel,
  type NotificationType,
  type SupportedLocale,
} from '../shared/notification.types';

/** The repository's templates/ folder, from src/templates (ts-node, jest) and from dist/templates alike. */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '../../templates');

export type TemplatePart = 'body' | 'subject' | 'html' | 'text';

/** File per part and channel; `text` is optional for email (derived from the HTML when absent). */
export const TEMPLATE_FILES: Readonly<Record<Channel, Partial<Record<TemplatePart, string>>>> = {
  sms: { body: 'sms.hbs' },
  email: { subject: 'email.subject.hbs', html: 'email.html.hbs', text: 'email.text.hbs' },
};
const OPTIONAL_PARTS: readonly TemplatePart[] = ['text'];

export type DefaultTemplateKey = `${NotificationType}/${Channel}/${SupportedLocale}`;

export interface DefaultTemplate {
  type: NotificationType;
  channel: Channel;
  locale: SupportedLocale;
  /** sms: body; email: subject, html and (optionally) text. */
  parts: Partial<Record<TemplatePart, string>>;
}

export function defaultTemplateKey(
  type: NotificationType,
  channel: Channel,
  locale: SupportedLocale,
): DefaultTemplateKey {
  return `${type}/${channel}/${locale}`;
}

/**
 * Every type × channel × locale. Throws once, listing every missing file, so a gap fails at start-up
 * rather than at the first send in that language.
 */
export function loadDefaultTemplates(
  templatesDir: string = DEFAULT_TEMPLATES_DIR,
): Map<DefaultTemplateKey, DefaultTemplate> {
  const templates = new Map<DefaultTemplateKey, DefaultTemplate>();
  const missing: string[] = [];
  for (const type of NOTIFICATION_TYPES) {
    for (const locale of LOCALES) {
      const folder = path.join(templatesDir, 'notifications', type, locale);
      for (const channel of CHANNELS) {
        const parts: DefaultTemplate['parts'] = {};
        for (const [part, file] of Object.entries(TEMPLATE_FILES[channel]) as [TemplatePart, string][]) {
          const fullPath = path.join(folder, file);
          if (fs.existsSync(fullPath)) parts[part] = fs.readFileSync(fullPath, 'utf8');
          else if (!OPTIONAL_PARTS.includes(part)) missing.push(path.relative(templatesDir, fullPath));
        }
        templates.set(defaultTemplateKey(type, channel, locale), { type, channel, locale, parts });
      }
    }
  }
  if (missing.length > 0)
    throw new Error(`Default templates missing in ${templatesDir}: ${missing.join(', ')}`);
  return templates;
}
