/**
 * A small Handlebars layer for CodeMirror: marks every {{…}} expression (blocks, closings, comments and plain
 * values apart) on top of the HTML or plain-text language, so the template's logic stands out from its words.
 */
import {
  Decoration,
  type DecorationSet,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
} from '@codemirror/view';

const marks = {
  comment: Decoration.mark({ class: 'cm-hbs cm-hbs-comment' }),
  block: Decoration.mark({ class: 'cm-hbs cm-hbs-block' }),
  value: Decoration.mark({ class: 'cm-hbs cm-hbs-value' }),
};

const matcher = new MatchDecorator({
  // Comments first ({{!-- … --}} may contain }}), then any other mustache, triple-stash included.
  regexp: /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}|\{\{\{?[\s\S]*?\}?\}\}/g,
  decoration: (match) => {
    const text = match[0];
    if (text.startsWith('{{!')) return marks.comment;
    if (/^\{\{~?\s*[#/^>]|^\{\{~?\s*else\b/.test(text)) return marks.block;
    return marks.value;
  },
});

export const handlebarsHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = matcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = matcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
