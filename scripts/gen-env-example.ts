/**
 * Writes `.env.example` from the one list of variables (src/config/config.schema.ts); with `--markdown`,
 * prints the README's configuration table to stdout instead. src/config/app-config.spec.ts fails when either
 * drifts from the list.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VARIABLES, VariableSpec } from '../src/config/config.schema';

const SPECS: VariableSpec[] = Object.values(VARIABLES);

export const ENV_EXAMPLE_PATH = resolve(__dirname, '../.env.example');

/** Quotes a value only when a dotenv reader (Node's --env-file, Docker Compose) would otherwise misread it. */
export function envValue(value: string): string {
  return /^[\w.:/@,+-]*$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function renderEnvExample(): string {
  const out = [
    '# Every environment variable Wismo reads, with its default. Generated from src/config/config.schema.ts',
    '# by scripts/gen-env-example.ts: edit the schema, not this file.',
    '#',
    '# Nothing is required: with no variables at all the service starts an embedded PostgreSQL, keeps its',
    '# queues there and captures messages in the local outbox. Uncomment what you change; a commented line',
    '# shows the default. Copy to .env and start with `node --env-file=.env dist/main.js`; Docker Compose',
    '# (docker/compose.yml) reads the same file.',
  ];
  for (const spec of SPECS) {
    out.push('');
    out.push(...wrap(spec.description, 100).map((l) => `# ${l}`));
    if (spec.secret) out.push('# Secret: never shown in logs or configuration errors.');
    out.push(`# ${spec.name}=${envValue(spec.default ?? '')}`);
  }
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdownTable(): string {
  const rows = SPECS.map((spec) => {
    const value =
      spec.default === undefined ? '*unset*' : spec.default === '' ? '*empty*' : `\`${spec.default}\``;
    const description = spec.secret ? `${spec.description} Secret.` : spec.description;
    return `| \`${spec.name}\` | ${cell(value)} | ${cell(description)} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

if (require.main === module) {
  if (process.argv.includes('--markdown')) {
    process.stdout.write(renderMarkdownTable());
  } else {
    writeFileSync(ENV_EXAMPLE_PATH, renderEnvExample());
    process.stderr.write(`Wrote ${ENV_EXAMPLE_PATH} (${SPECS.length} variables)\n`);
  }
}
