import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { PAGE_HEADERS } from '../common/page-security';
import { AssetManifest } from './asset-manifest';
import { SUPPORT_NAV, type SupportSection } from './support-nav';

/** The page views: views/<area>/<page>.hbs, views/layouts/*.hbs, views/partials/*.hbs. */
export const VIEWS_DIR = resolve(__dirname, '../../views');

export type Layout = 'site' | 'support';

/** What every layout reads; a view's own data sits beside these. */
export interface PageData {
  /** The <title>, before " · Wismo". */
  title: string;
  /** Browser bundles by logical name (web/pages/<name>.ts → "<name>.js"), loaded as ES modules. */
  scripts?: string[];
  /** Stylesheets by logical name (web/styles/<name>.css). Support pages always get "support.css". */
  styles?: string[];
  /** Support layout: the highlighted navigation entry. */
  section?: SupportSection;
  /** Support layout: the page shows data fetched with the person's API key, so it starts with the sign-in. */
  signIn?: boolean;
  [key: string]: unknown;
}

export interface RenderOptions {
  layout?: Layout;
  status?: number;
}

/**
 * Server-rendered pages: Handlebars views compiled once at start in their own Handlebars instance (no helper or
 * partial leaks to or from the message templates' instance), HTML-escaped by default. A view renders into its
 * layout's `{{{body}}}`. Controllers send pages with `pages.send(reply, 'support/orders', data)`, which also
 * sets the one CSP and the security headers (src/common/page-security.ts).
 */
@Injectable()
export class PageRenderer {
  private readonly hbs = Handlebars.create();
  private readonly views = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layouts = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly assets: AssetManifest,
    dir: string = VIEWS_DIR,
  ) {
    this.registerHelpers();
    for (const file of walk(dir)) {
      const name = relative(dir, file)
        .split(sep)
        .join('/')
        .replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) {
        this.hbs.registerPartial(name.slice('partials/'.length), source);
        continue;
      }
      // Parsed and compiled now, not on first use: a broken view stops start-up instead of failing a request.
      this.hbs.parse(source);
      const template = this.hbs.compile(source, { preventIndent: true });
      warmUp(template);
      (name.startsWith('layouts/') ? this.layouts : this.views).set(name.replace(/^layouts\//, ''), template);
    }
  }

  /** The full HTML document of `view` inside its layout (default: "site"). */
  render(view: string, data: PageData, layout: Layout = 'site'): string {
    const template = this.views.get(view);
    const frame = this.layouts.get(layout);
    if (!template) throw new Error(`No page view "${view}" in views/`);
    if (!frame) throw new Error(`No layout "${layout}" in views/layouts/`);
    const styles = layout === 'support' ? ['support.css', ...(data.styles ?? [])] : (data.styles ?? []);
    const context = {
      ...data,
      styles,
      scripts: data.scripts ?? [],
      nav: SUPPORT_NAV.map((item) => ({ ...item, current: item.key === data.section })),
    };
    return frame({ ...context, body: new this.hbs.SafeString(template(context)) });
  }

  /** Renders and sends a page with the page headers. */
  async send(reply: FastifyReply, view: string, data: PageData, options: RenderOptions = {}): Promise<void> {
    const html = this.render(view, data, options.layout);
    await reply
      .status(options.status ?? 200)
      .headers(PAGE_HEADERS)
      .send(html);
  }

  private registerHelpers(): void {
    this.hbs.registerHelper('asset', (name: string) => this.assets.url(name));
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('plural', (count: number, one: string, many: string) =>
      count === 1 ? one : many,
    );
  }
}

/** Handlebars compiles on the first call; a call with no data may throw in a helper, after compiling. */
function warmUp(template: Handlebars.TemplateDelegate): void {
  try {
    template({ nav: [], scripts: [], styles: [] });
  } catch {
    // the compile happened; only the empty render failed
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.hbs') ? [path] : [];
  });
}
