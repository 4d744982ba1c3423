/**
 * The worker thread behind TemplateSandbox: one TemplateEngine of its own, fed one request at a time. Whatever a
 * template does here (loops, partial recursion, huge output) costs this thread only; the main thread terminates
 * it when it runs over time. Each answer says how long the work took, measured again on a second run when the
 * first was slow (the first includes compiling, which happens once per process at send time).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { renderChatTemplate, validateChatTemplate } from './chat-template-sources';
import { TemplateEngine } from './template-engine';
import { TEMPLATE_RENDER_BUDGET_MS } from './template-limits';
import type { SandboxReply, SandboxRequest } from './template-sandbox';

const { templatesDir, accentColor } = workerData as { templatesDir: string; accentColor?: string };
const engine = new TemplateEngine({ templatesDir, accentColor });

function run(request: SandboxRequest): unknown {
  switch (request.op) {
    case 'validate':
      return engine.validateTemplate(request.source, request.target);
    case 'renderSms':
      return engine.renderSms(request.source, request.vars, request.accents);
    case 'renderEmail':
      return engine.renderEmail(request.sources, request.vars);
    case 'validateChat':
      return validateChatTemplate(request.source, new Set(request.known));
    case 'renderChat':
      return renderChatTemplate(request.source);
  }
}

function timed(request: SandboxRequest): { value: unknown; elapsedMs: number } {
  const started = performance.now();
  const value = run(request);
  return { value, elapsedMs: performance.now() - started };
}

parentPort!.on('message', ({ id, request }: { id: number; request: SandboxRequest }) => {
  let reply: SandboxReply;
  try {
    let result = timed(request);
    if (result.elapsedMs > TEMPLATE_RENDER_BUDGET_MS) result = timed(request);
    reply = { id, ok: true, value: result.value, elapsedMs: result.elapsedMs };
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    reply = {
      id,
      ok: false,
      error: {
        name: e?.name ?? 'Error',
        message: e?.message ?? String(error),
        lineNumber: e?.lineNumber,
        column: e?.column,
      },
    };
  }
  parentPort!.postMessage(reply);
});

// Warm the engine (layout partials, juice, JIT) so the first real request is measured like the others.
engine.validateTemplate('{{> email-layout}}', { type: 'shipped', channel: 'email', part: 'html' });
parentPort!.postMessage({ ready: true });
