/**
 * Turns the template checker's parse errors into plain words for the editor. The service reports what the
 * Handlebars parser said ("Parse error on line 3. Got end of template. Expected 'OPEN_INVERSE_CHAIN', …"), which
 * names grammar tokens nobody editing a message knows. Reading the template text itself tells what went wrong:
 * a block never closed, closed by the wrong name, a closing tag without an opening one, a {{ left open.
 * Other problems (unknown variables, missing unsubscribe link) are already written for people and pass through.
 */

export interface Problem {
  part: string;
  severity: 'error' | 'warning';
  code?: string;
  message: string;
  line?: number;
  column?: number;
}

export interface PlainProblem extends Problem {
  /** The problem in plain words, starting with where it is ("Line 3: …"). */
  plain: string;
}

interface OpenBlock {
  name: string;
  line: number;
  column: number;
}

export function plainProblem(source: string, problem: Problem): PlainProblem {
  const explained = problem.code === 'parse_error' ? explainParseError(source, problem) : null;
  const at = explained ?? { line: problem.line, column: problem.column, text: problem.message };
  const where = at.line ? `Line ${at.line}: ` : '';
  return { ...problem, line: at.line, column: at.column, plain: where + at.text };
}

function explainParseError(
  source: string,
  problem: Problem,
): { line?: number; column?: number; text: string } | null {
  const message = problem.message;
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) {
    const [, opened, closed] = mismatch;
    return {
      line: problem.line,
      column: problem.column,
      text: `the {{#${opened}}} block is closed with {{/${closed}}}: close it with {{/${opened}}}.`,
    };
  }
  const scan = scanBlocks(source);
  if (/Got end of template/.test(message)) {
    if (scan.unclosedMustache) {
      return { ...scan.unclosedMustache, text: 'this {{ is never closed with }}.' };
    }
    const open = scan.stack[scan.stack.length - 1];
    if (open) {
      return {
        line: open.line,
        column: open.column,
        text: `the {{#${open.name}}} block is never closed: add {{/${open.name}}} where it should end.`,
      };
    }
  }
  if (scan.strayClose) {
    return {
      line: scan.strayClose.line,
      column: scan.strayClose.column,
      text: `{{/${scan.strayClose.name}}} closes a block that was never opened.`,
    };
  }
  if (/Got '\{\{else/.test(message) || /Got '\{\{\^\}\}'/.test(message)) {
    return {
      line: problem.line,
      column: problem.column,
      text: '{{else}} is only allowed inside an {{#if}} or {{#each}} block.',
    };
  }
  if (/Got '\}\}\}'/.test(message)) {
    return {
      line: problem.line,
      column: problem.column,
      text: 'one closing brace too many: a value takes {{ and }} (or {{{ and }}} for HTML).',
    };
  }
  if (scan.unclosedMustache) {
    return { ...scan.unclosedMustache, text: 'this {{ is never closed with }}.' };
  }
  return {
    line: problem.line,
    column: problem.column,
    text: 'the {{ }} here cannot be read: check the braces and the name inside them.',
  };
}

/** Walks the {{…}} tags in order: which blocks are open at the end, a close with no open, a {{ never closed. */
function scanBlocks(source: string): {
  stack: OpenBlock[];
  strayClose: OpenBlock | null;
  unclosedMustache: { line: number; column: number } | null;
} {
  const stack: OpenBlock[] = [];
  let strayClose: OpenBlock | null = null;
  let index = 0;
  while (index < source.length) {
    const start = source.indexOf('{{', index);
    if (start < 0) break;
    const isComment = source.startsWith('{{!--', start);
    const end = source.indexOf(isComment ? '--}}' : '}}', start + 2);
    if (end < 0) return { stack, strayClose, unclosedMustache: position(source, start) };
    const inner = source
      .slice(start + 2, end)
      .replace(/^\{|~/g, '')
      .trim();
    const open = /^#\*?\s*([\w.-]+)/.exec(inner);
    const close = /^\/\s*([\w.-]+)/.exec(inner);
    if (open) stack.push({ name: open[1], ...position(source, start) });
    else if (close) {
      if (stack.length && stack[stack.length - 1].name === close[1]) stack.pop();
      else if (!stack.length && !strayClose) strayClose = { name: close[1], ...position(source, start) };
    }
    index = end + (isComment ? 4 : 2);
  }
  return { stack, strayClose, unclosedMustache: null };
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
