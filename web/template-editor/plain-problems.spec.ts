import { plainProblem, type Problem } from './plain-problems';

/** The checker's messages as the service sends them (src/templates/template-engine.ts, parseWithLocation). */
const parse = (message: string, line?: number, column?: number): Problem => ({
  part: 'body',
  severity: 'error',
  code: 'parse_error',
  message,
  line,
  column,
});

describe('plainProblem', () => {
  it('names the block that is never closed, at the line it opens', () => {
    const source = 'Hi {{customer.firstName}},\n\n{{#if shipment.eta}}\nArriving {{shipment.eta.date}}';
    const p = plainProblem(
      source,
      parse(
        "Parse error on line 4. Got end of template. Expected 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK'.",
        4,
        30,
      ),
    );
    expect(p.plain).toBe('Line 3: the {{#if}} block is never closed: add {{/if}} where it should end.');
    expect(p).toMatchObject({ line: 3, column: 1 });
    expect(p.plain).not.toMatch(/OPEN_|INVERSE|EOF/);
  });

  it('names the innermost open block when blocks nest', () => {
    const source = '{{#each items}}\n  {{#if this}}x{{/if}}\n  {{#unless done}}y\n{{/each}}';
    const p = plainProblem(source, parse("if doesn't match each", 3, 3));
    expect(p.plain).not.toContain("doesn't match");
    const open = plainProblem(
      '{{#each items}}\n{{#unless done}}y',
      parse('Parse error on line 2. Got end of template.'),
    );
    expect(open.plain).toBe(
      'Line 2: the {{#unless}} block is never closed: add {{/unless}} where it should end.',
    );
  });

  it('explains a block closed with the wrong name', () => {
    const p = plainProblem('{{#if a}}x{{/each}}', parse("if doesn't match each", 1, 1));
    expect(p.plain).toBe('Line 1: the {{#if}} block is closed with {{/each}}: close it with {{/if}}.');
  });

  it('explains a closing tag without an opening one', () => {
    const p = plainProblem(
      'Hi\nthere {{/if}}',
      parse("Parse error on line 2. Got '{{/'. Expected 'EOF'.", 2, 7),
    );
    expect(p.plain).toBe('Line 2: {{/if}} closes a block that was never opened.');
    expect(p.column).toBe(7);
  });

  it('explains a {{ that is never closed', () => {
    const p = plainProblem(
      'Hi {{customer.firstName',
      parse("Parse error on line 1. Got 'f'. Expected 'ID'.", 1, 15),
    );
    expect(p.plain).toBe('Line 1: this {{ is never closed with }}.');
    expect(p.column).toBe(4);
  });

  it('explains a stray else and an extra brace', () => {
    expect(
      plainProblem('{{else}}', parse("Parse error on line 1. Got '{{else}}'. Expected 'EOF'.", 1, 1)).plain,
    ).toBe('Line 1: {{else}} is only allowed inside an {{#if}} or {{#each}} block.');
    expect(
      plainProblem('Hi {{a}}}', parse("Parse error on line 1. Got '}}}'. Expected 'CLOSE', 'ID'.", 1, 6))
        .plain,
    ).toMatch(/^Line 1: one closing brace too many/);
  });

  it('passes problems already written for people through, with their place', () => {
    const p = plainProblem('Hi\n{{customer.shoeSize}}', {
      part: 'body',
      severity: 'error',
      code: 'unknown_variable',
      message: 'Unknown variable "customer.shoeSize" for out_for_delivery sms templates.',
      line: 2,
      column: 3,
    });
    expect(p.plain).toBe('Line 2: Unknown variable "customer.shoeSize" for out_for_delivery sms templates.');
    expect(p).toMatchObject({ line: 2, column: 3 });
  });
});
