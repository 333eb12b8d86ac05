import { readDefinitionTemplate, substitutionNames } from '../../workflow/definition';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_FUNCTION_PREFIX = 'airlock-';
export const DEFAULT_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:airlock`;

const FUNCTION_ARN_SUFFIX = 'FunctionArn';
const PLACEHOLDER = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;

/** `arn:aws:lambda:us-east-1:000000000000:function:airlock-<Key>`: the offline ARN of a catalog function. */
export function localFunctionArn(key: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${LOCAL_FUNCTION_PREFIX}${key}`;
}

/**
 * The catalog key a Task's Resource / FunctionName refers to: `${<Key>FunctionArn}` (unrendered template), the
 * local ARN `…:function:airlock-<Key>` (optionally qualified), or the bare name `airlock-<Key>`.
 */
export function functionKeyOf(reference: string): string | undefined {
  const placeholder = PLACEHOLDER.exec(reference);
  if (placeholder) return placeholder[1];
  const name = LAMBDA_ARN.exec(reference)?.[1] ?? reference;
  if (!name.startsWith(LOCAL_FUNCTION_PREFIX)) return undefined;
  const key = name.slice(LOCAL_FUNCTION_PREFIX.length);
  return /^[A-Za-z0-9]+$/.test(key) ? key : undefined;
}

/**
 * The offline `definitionSubstitutions`: a value for every `${…}` in the template. `<Key>FunctionArn` names get
 * `localFunctionArn(key)`; every other name must be in `extra` (e.g. `EvidenceBucket`).
 * @throws naming every placeholder that has no value
 */
export function localSubstitutions(
  extra: Readonly<Record<string, string>> = {},
  template: string = readDefinitionTemplate(),
): Record<string, string> {
  const substitutions: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of substitutionNames(template)) {
    const value = extra[name] ?? functionArnFor(name);
    if (value === undefined) missing.push(name);
    else substitutions[name] = value;
  }
  if (missing.length > 0) {
    throw new Error(
      `no local value for definition substitution(s): ${missing.map((n) => `\${${n}}`).join(', ')}`,
    );
  }
  return substitutions;
}

function functionArnFor(name: string): string | undefined {
  if (!name.endsWith(FUNCTION_ARN_SUFFIX) || name === FUNCTION_ARN_SUFFIX) return undefined;
  return localFunctionArn(name.slice(0, -FUNCTION_ARN_SUFFIX.length));
}

/** `arn:aws:states:…:execution:<machine>:<name>` for a state machine ARN `arn:aws:states:…:stateMachine:<machine>`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
