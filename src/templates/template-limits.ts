/**
 * What a template may cost (issue 14 item 5). Eight nested `{{#each @root}}` in 193 characters held the event loop
 * for 8.9 s and produced 33 MB. Three bounds, from cheapest to last resort:
 *
 * 1. Static, on the parsed template: block nesting and `#each` nesting depth (every default template is within
 *    4 and 0), checked before anything is compiled or rendered.
 * 2. Output size: a rendered part over MAX_RENDERED_CHARS fails, at send time too (a length check, free).
 * 3. Time: previews and draft validation run in a worker thread (template-sandbox.ts) that is terminated after
 *    TEMPLATE_SANDBOX_TIMEOUT_MS, and a render that takes over TEMPLATE_RENDER_BUDGET_MS with sample data is
 *    refused, so no saved template can hold a sending worker's event loop for longer than that.
 *
 * And the helpers are the documented ones only: Handlebars' built-in `log` wrote straight to stdout, past the
 * logger and its redaction.
 */
import type { HelperDelegate } from 'handlebars';

export const MAX_BLOCK_DEPTH = 6;
export const MAX_EACH_DEPTH = 2;
/** Gmail clips an email at about 100 KB; a text is a few hundred characters. Far above any real message. */
export const MAX_RENDERED_CHARS = 256 * 1024;
export const TEMPLATE_RENDER_BUDGET_MS = 100;
export const TEMPLATE_SANDBOX_TIMEOUT_MS = 1000;

/** Handlebars' built-ins that templates may use (README, Templates); everything else is removed. */
export const ALLOWED_BUILT_IN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;
/** Used by Handlebars' own compiled code for sections and missing helpers: not callable by name in strict mode. */
const INTERNAL_HELPERS = new Set(['helperMissing', 'blockHelperMissing']);

/**
 * Removes every helper an instance has that is neither documented nor ours, `log` first. Returns the
 * `knownHelpers` entries that make the compiler refuse them too (it treats `log` as known by default).
 */
export function removeUndocumentedHelpers(
  hbs: { helpers: Record<string, HelperDelegate>; unregisterHelper(name: string): void },
  ours: readonly string[],
): Record<string, false> {
  const keep = new Set<string>([...ALLOWED_BUILT_IN_HELPERS, ...ours, ...INTERNAL_HELPERS]);
  const removed: Record<string, false> = { log: false };
  for (const name of Object.keys(hbs.helpers)) {
    if (!keep.has(name)) {
      hbs.unregisterHelper(name);
      removed[name] = false;
    }
  }
  return removed;
}

export interface NestingProblem {
  code: 'template_too_complex';
  message: string;
  line?: number;
  column?: number;
}

/** The first place a template nests blocks deeper than allowed, or null. Iterative: the AST may be deep. */
export function nestingProblem(ast: hbs.AST.Program): NestingProblem | null {
  const stack: { node: unknown; depth: number; eachDepth: number }[] = [
    { node: ast, depth: 0, eachDepth: 0 },
  ];
  while (stack.length) {
    const { node, depth, eachDepth } = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, depth, eachDepth });
      continue;
    }
    const n = node as hbs.AST.Node & Record<string, unknown>;
    let d = depth;
    let e = eachDepth;
    if (n.type === 'BlockStatement' || n.type === 'PartialBlockStatement' || n.type === 'DecoratorBlock') {
      d += 1;
      const path = (n as unknown as hbs.AST.BlockStatement).path as hbs.AST.PathExpression | undefined;
      if (path?.original === 'each') e += 1;
      const at = n.loc ? { line: n.loc.start.line, column: n.loc.start.column + 1 } : {};
      if (d > MAX_BLOCK_DEPTH)
        return {
          code: 'template_too_complex',
          message: `Blocks are nested ${d} deep here; at most ${MAX_BLOCK_DEPTH} levels are allowed.`,
          ...at,
        };
      if (e > MAX_EACH_DEPTH)
        return {
          code: 'template_too_complex',
          message: `{{#each}} is nested ${e} deep here; at most ${MAX_EACH_DEPTH} levels are allowed (each level multiplies the work).`,
          ...at,
        };
    }
    for (const key of ['body', 'program', 'inverse']) stack.push({ node: n[key], depth: d, eachDepth: e });
  }
  return null;
}
