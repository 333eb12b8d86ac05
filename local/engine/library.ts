/**
 * aws-local-stepfunctions, loaded the one way that type-checks here: the package is `"type": "module"` with
 * ESM typings, while this project compiles to CommonJS (module node16), so a plain `import` is refused (TS1479).
 * At run time `require` picks the package's CommonJS build (`exports.require` → build/main.node.cjs).
 */
type Library = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' }});

const library: Library = require('aws-local-stepfunctions');

export const { StateMachine, ExecutionError } = library;
export type StateMachine = InstanceType<Library['StateMachine']>;
export type StateMachineDefinition = ConstructorParameters<Library['StateMachine']>[0];
export type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
