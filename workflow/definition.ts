import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The one workflow definition: CDK deploys it (definitionSubstitutions), the local engine runs it. */
export const DEFINITION_PATH = join(__dirname, 'definition.asl.json');

/** The raw ASL text with `${Name}` placeholders. */
export function readDefinitionTemplate(): string {
  return readFileSync(DEFINITION_PATH, 'utf8');
}

/** Names of the `${…}` placeholders the definition uses. */
export function substitutionNames(template = readDefinitionTemplate()): string[] {
  return [...new Set([...template.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string))].sort();
}

/** Renders the definition the way CloudFormation does with DefinitionSubstitutions. Fails on a missing value. */
export function renderDefinition(
  substitutions: Record<string, string>,
  template = readDefinitionTemplate(),
): string {
  return template.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`definition substitution \${${name}} has no value`);
    return value;
  });
}
