/**
 * Numbered parameters for a statement built from parts: each part adds its values and gets their placeholders,
 * so parts written in different modules can go to PostgreSQL as one statement.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n` for the value, with an explicit cast when PostgreSQL cannot infer the type from the context. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
