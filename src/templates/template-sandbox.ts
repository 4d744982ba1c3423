/**
 * Runs previews and draft validation of templates support staff write in a worker thread with a time limit
 * (issue 14 item 5), so no template can hold the API's event loop: past TEMPLATE_SANDBOX_TIMEOUT_MS the worker is
 * terminated (and started again for the next request) and the request gets 422 `template_too_expensive`. Work
 * that finishes but took longer than TEMPLATE_RENDER_BUDGET_MS is refused the same way, because a published
 * template is rendered on the sending workers' own event loop. The send path never comes here: published
 * templates are compiled once and rendered in-process (template-engine.ts).
 */
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppException } from '../common/app.exception';
import type {
  EmailSources,
  Problem,
  RenderedEmail,
  RenderedSms,
  SmsAccents,
  ValidationTarget,
} from './template-engine';
import { TemplateRenderError } from './template-helpers';
import { TEMPLATE_RENDER_BUDGET_MS, TEMPLATE_SANDBOX_TIMEOUT_MS } from './template-limits';
import { TemplateStore } from './template-store.service';
import type { TemplateVariables } from './template-variables';

export type SandboxRequest =
  | { op: 'validate'; source: string; target: ValidationTarget }
  | { op: 'renderSms'; source: string; vars: TemplateVariables; accents?: SmsAccents }
  | { op: 'renderEmail'; sources: EmailSources; vars: TemplateVariables }
  | { op: 'validateChat'; source: string; known: string[] }
  | { op: 'renderChat'; source: string };

export type SandboxReply =
  | { id: number; ok: true; value: unknown; elapsedMs: number }
  | { id: number; ok: false; error: { name: string; message: string; lineNumber?: number; column?: number } };

/** The compiled worker sits beside this file; under ts-jest and ts-node the source is loaded through ts-node. */
const WORKER_FILE = path.join(__dirname, `template-sandbox.worker${path.extname(__filename)}`);

export interface SandboxLimits {
  timeoutMs: number;
  budgetMs: number;
}

@Injectable()
export class TemplateSandbox implements OnModuleDestroy {
  private readonly logger = new Logger(TemplateSandbox.name);
  private worker: Promise<Worker> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly limits: SandboxLimits = {
    timeoutMs: TEMPLATE_SANDBOX_TIMEOUT_MS,
    budgetMs: TEMPLATE_RENDER_BUDGET_MS,
  };

  constructor(@Inject(TemplateStore) private readonly store: TemplateStore) {}

  validate(source: string, target: ValidationTarget): Promise<Problem[]> {
    return this.run({ op: 'validate', source, target });
  }

  renderSms(source: string, vars: TemplateVariables, accents?: SmsAccents): Promise<RenderedSms> {
    return this.run({ op: 'renderSms', source, vars, accents });
  }

  renderEmail(sources: EmailSources, vars: TemplateVariables): Promise<RenderedEmail> {
    return this.run({ op: 'renderEmail', sources, vars });
  }

  validateChat(source: string, known: Set<string>): Promise<Problem[]> {
    return this.run({ op: 'validateChat', source, known: [...known] });
  }

  renderChat(source: string): Promise<string> {
    return this.run({ op: 'renderChat', source });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await (await worker.catch(() => null))?.terminate();
  }

  /** One request at a time, so each one's clock starts when the worker starts on it. */
  private run<T>(request: SandboxRequest): Promise<T> {
    const result = this.queue.then(() => this.send<T>(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async send<T>(request: SandboxRequest): Promise<T> {
    const worker = await this.ensureWorker();
    const id = this.nextId++;
    const reply = await new Promise<SandboxReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.discard(worker);
        reject(tooExpensive(`did not finish within ${this.limits.timeoutMs} ms`));
      }, this.limits.timeoutMs);
      const onMessage = (message: SandboxReply) => {
        if (message.id !== id) return;
        cleanup();
        resolve(message);
      };
      const onExit = () => {
        cleanup();
        this.discard(worker);
        // Out of memory (a template building megabytes of text) ends the worker the same way.
        reject(tooExpensive('used more memory than a template may'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ id, request });
    });
    if (!reply.ok) {
      const error = new TemplateRenderError(reply.error.message);
      Object.assign(error, { lineNumber: reply.error.lineNumber, column: reply.error.column });
      throw error;
    }
    if (reply.elapsedMs > this.limits.budgetMs)
      throw tooExpensive(
        `took ${Math.round(reply.elapsedMs)} ms with sample data; the limit is ${this.limits.budgetMs} ms`,
      );
    return reply.value as T;
  }

  private ensureWorker(): Promise<Worker> {
    if (!this.worker) {
      const started = this.start();
      this.worker = started;
      started.catch(() => {
        if (this.worker === started) this.worker = null;
      });
    }
    return this.worker;
  }

  private start(): Promise<Worker> {
    const options = {
      workerData: {
        templatesDir: this.store.engine.templatesDir,
        accentColor: this.store.engine.accentColor,
      },
      // A runaway template that builds megabytes of text dies here, not in the API process.
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    };
    const worker = WORKER_FILE.endsWith('.ts')
      ? new Worker(
          `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(WORKER_FILE)});`,
          { ...options, eval: true },
        )
      : new Worker(WORKER_FILE, options);
    worker.unref();
    const started = new Promise<Worker>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (!message?.ready) return;
        worker.off('message', onMessage);
        resolve(worker);
      };
      worker.on('message', onMessage);
      worker.once('error', (error: Error) => {
        this.logger.error({ err: error }, 'template sandbox worker failed');
        reject(new AppException('unavailable', 'Template previews are unavailable right now'));
      });
    });
    // However it ends (terminated on a timeout, out of memory, crashed), the next request starts a fresh one.
    worker.once('exit', () => {
      if (this.worker === started) this.worker = null;
    });
    return started;
  }

  /** Requests run one at a time, so the worker being discarded is the current one: forget it at once. */
  private discard(worker: Worker): void {
    this.worker = null;
    void worker.terminate();
  }
}

function tooExpensive(what: string): AppException {
  return new AppException('template_too_expensive', `This template is too expensive to render: it ${what}.`);
}
