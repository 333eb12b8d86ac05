/**
 * Builds UpdateExpression / ConditionExpression strings with placeholders for every attribute name and value
 * (no reserved-word surprises: `status`, `count`, `request` … are all reserved in DynamoDB).
 */
export class ExpressionBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private nameCount = 0;
  private valueCount = 0;

  /** Placeholder for an attribute path; dots separate map keys (`request.count` → `#n0.#n1`). */
  name(path: string): string {
    return path
      .split('.')
      .map((part) => {
        const existing = Object.entries(this.names).find(([, v]) => v === part);
        if (existing) return existing[0];
        const placeholder = `#n${this.nameCount++}`;
        this.names[placeholder] = part;
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(path: string, value: unknown): this {
    this.sets.push(`${this.name(path)} = ${this.value(value)}`);
    return this;
  }

  /** A raw SET clause using placeholders from name()/value(). */
  setExpression(clause: string): this {
    this.sets.push(clause);
    return this;
  }

  remove(path: string): this {
    this.removes.push(this.name(path));
    return this;
  }

  add(path: string, value: unknown): this {
    this.adds.push(`${this.name(path)} ${this.value(value)}`);
    return this;
  }

  /** ANDed with the other conditions; use placeholders from name()/value(). */
  condition(clause: string): this {
    this.conditions.push(clause);
    return this;
  }

  build(): {
    UpdateExpression?: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const update = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      ...(update ? { UpdateExpression: update } : {}),
      ...(this.conditions.length
        ? { ConditionExpression: this.conditions.map((c) => `(${c})`).join(' AND ') }
        : {}),
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: { ...this.names } } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
