/**
 * One template part in a CodeMirror 6 editor: line numbers, undo history, HTML highlighting for the email body,
 * Handlebars expressions marked on top, and the checker's problems as inline markers (underline, gutter dot and
 * the message on hover) written in plain words (plain-problems.ts).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { handlebarsHighlight } from './handlebars-highlight';
import type { PlainProblem } from './plain-problems';

export interface CodeEditorOptions {
  parent: HTMLElement;
  doc: string;
  /** The id of the <label> that names the editor (its content element gets aria-labelledby). */
  labelledBy: string;
  describedBy?: string;
  language: 'html' | 'text';
  singleLine?: boolean;
  onChange(value: string): void;
  onFocus?(): void;
  onSave?(): void;
}

export class CodeEditor {
  readonly view: EditorView;

  constructor(options: CodeEditorOptions) {
    const extensions: Extension[] = [
      history(),
      drawSelection(),
      highlightActiveLine(),
      handlebarsHighlight,
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      keymap.of([
        {
          key: 'Mod-s',
          preventDefault: true,
          run: () => {
            options.onSave?.();
            return true;
          },
        },
        ...defaultKeymap,
        ...historyKeymap,
        // Tab indents only with Alt held: plain Tab must keep moving focus through the page.
        { key: 'Alt-Tab', run: indentWithTab.run },
      ]),
      EditorView.contentAttributes.of({
        'aria-labelledby': options.labelledBy,
        ...(options.describedBy ? { 'aria-describedby': options.describedBy } : {}),
        'aria-multiline': String(!options.singleLine),
        spellcheck: 'false',
        autocapitalize: 'off',
      }),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange(update.state.doc.toString());
        if (update.focusChanged && update.view.hasFocus) options.onFocus?.();
      }),
    ];
    if (options.singleLine) {
      // A subject is one line: Enter adds nothing, pasted newlines become spaces.
      extensions.push(
        EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
        placeholder('Subject'),
      );
    } else {
      extensions.push(lineNumbers(), highlightActiveLineGutter(), lintGutter());
    }
    if (options.language === 'html') extensions.push(html());
    this.view = new EditorView({
      parent: options.parent,
      state: EditorState.create({ doc: options.doc, extensions }),
    });
  }

  get value(): string {
    return this.view.state.doc.toString();
  }

  /** Inserts at the cursor (or over the selection) as if typed, and keeps the focus in the editor. */
  insert(text: string): void {
    const { from, to } = this.view.state.selection.main;
    this.view.dispatch({
      changes: { from, to, insert: text },
      selection: { anchor: from + text.length },
      userEvent: 'input',
    });
    this.view.focus();
  }

  /** Inline markers for this part's problems (an empty list clears them). */
  showProblems(problems: PlainProblem[]): void {
    const doc = this.view.state.doc;
    const diagnostics: Diagnostic[] = problems.map((p) => {
      const line = doc.line(Math.min(Math.max(p.line ?? 1, 1), doc.lines));
      const from = Math.min(line.from + Math.max((p.column ?? 1) - 1, 0), line.to);
      // Underline the {{…}} the problem points at, or the rest of its word.
      const rest = doc.sliceString(from, line.to);
      const length = /^\{\{[^}]*\}\}/.exec(rest)?.[0].length ?? /^\S+/.exec(rest)?.[0].length ?? 0;
      return {
        from,
        to: Math.max(from, from + length),
        severity: p.severity,
        message: p.plain,
      };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  goTo(line = 1, column = 1): void {
    const doc = this.view.state.doc;
    const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const pos = Math.min(target.from + Math.max(column - 1, 0), target.to);
    this.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    this.view.focus();
  }

  focus(): void {
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}
