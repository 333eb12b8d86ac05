import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { aws, awsErrorCode, isAwsError } from '../aws/call';
import { ApprovalExpiredError, ConditionalWriteLostError } from '../errors';
import type { Executions } from '../ports';

/** SFN errors that mean the task token is spent, unknown or timed out. */
const SPENT_TOKEN = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

/**
 * StartExecution found an execution of that name that is not this one running: it finished, or it runs with a
 * different input. Named like the Step Functions error (and the local engine's), with the execution it found.
 */
export class ExecutionAlreadyExists extends ConditionalWriteLostError {
  constructor(
    message: string,
    readonly executionArn: string,
    readonly status: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `arn:aws:states:…:stateMachine:<machine>` + name → `arn:aws:states:…:execution:<machine>:<name>`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The Executions port on AWS Step Functions (Standard). */
export class SfnExecutions implements Executions {
  readonly #sfn: SFNClient;
  readonly #stateMachineArn: string;

  constructor(options: { client: SFNClient; stateMachineArn: string }) {
    this.#sfn = options.client;
    this.#stateMachineArn = options.stateMachineArn;
  }

  /**
   * StartExecution named `name`. Step Functions itself answers the same name and input while running with the
   * existing execution. `ExecutionAlreadyExists` (a finished execution, or a textually different input) is looked
   * up: the same input (as JSON) still running → `alreadyRunning`; otherwise ExecutionAlreadyExists is thrown.
   */
  async start(params: {
    name: string;
    input: unknown;
  }): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const input = JSON.stringify(params.input);
    try {
      const out = await aws(`states:StartExecution ${params.name}`, () =>
        this.#sfn.send(
          new StartExecutionCommand({ stateMachineArn: this.#stateMachineArn, name: params.name, input }),
        ),
      );
      if (!out.executionArn)
        throw new Error(`states:StartExecution ${params.name}: no executionArn in the answer`);
      return { executionArn: out.executionArn, alreadyRunning: false };
    } catch (error) {
      if (awsErrorCode(error) !== 'ExecutionAlreadyExists') throw error;
      return this.#existing(params.name, input, error);
    }
  }

  async #existing(
    name: string,
    input: string,
    cause: unknown,
  ): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const executionArn = executionArnFor(this.#stateMachineArn, name);
    const found = await aws(`states:DescribeExecution ${name}`, () =>
      this.#sfn.send(new DescribeExecutionCommand({ executionArn })),
    );
    const status = found.status ?? 'UNKNOWN';
    const sameInput = sameJson(found.input, input);
    if (status === 'RUNNING' && sameInput)
      return { executionArn: found.executionArn ?? executionArn, alreadyRunning: true };
    throw new ExecutionAlreadyExists(
      `execution ${name} already exists (${status}${sameInput ? '' : ', with a different input'})`,
      found.executionArn ?? executionArn,
      status,
      { cause },
    );
  }

  /** @throws ApprovalExpiredError when the token is spent, unknown or timed out */
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    try {
      await aws('states:SendTaskSuccess', () =>
        this.#sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
      );
    } catch (error) {
      throw spentTokenError(error);
    }
  }

  /** @throws ApprovalExpiredError when the token is spent, unknown or timed out */
  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    try {
      await aws('states:SendTaskFailure', () =>
        this.#sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })),
      );
    } catch (thrown) {
      throw spentTokenError(thrown);
    }
  }
}

function spentTokenError(error: unknown): unknown {
  if (!isAwsError(error, ...SPENT_TOKEN)) return error;
  return new ApprovalExpiredError(
    `the approval's task token is spent or timed out (${awsErrorCode((error as { cause?: unknown }).cause ?? error)})`,
    { cause: error },
  );
}

function sameJson(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (a === b) return true;
  try {
    return deepEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
