import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsErrorCode, mapAwsError } from '../workflow/aws/call';
import { ApprovalExpiredError } from '../workflow/errors';
import type { Executions } from '../workflow/ports';

/** Step Functions' answers for a spent, timed-out or unknown task token. */
const SPENT_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * The production Executions port: one state machine, through the SFN client. A spent or expired token becomes
 * ApprovalExpiredError (never a raw TaskTimedOut); StartExecution errors (ExecutionAlreadyExists …) propagate
 * for intake to interpret.
 */
export class SfnExecutions implements Executions {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(params: {
    name: string;
    input: unknown;
  }): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const out = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: params.name,
        input: JSON.stringify(params.input),
      }),
    );
    if (!out.executionArn) throw new Error('StartExecution answered without an executionArn');
    // Same name and input while running returns the running execution; its start date tells it apart.
    const startedMs = out.startDate ? Date.now() - out.startDate.getTime() : 0;
    return { executionArn: out.executionArn, alreadyRunning: startedMs > 10_000 };
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.callback('states:SendTaskSuccess', () =>
      this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.callback('states:SendTaskFailure', () =>
      this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })),
    );
  }

  private async callback(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (SPENT_TOKEN.has(awsErrorCode(error))) {
        throw new ApprovalExpiredError(
          `${what}: the approval's task no longer exists (timed out or already answered)`,
          {
            cause: error,
          },
        );
      }
      throw mapAwsError(error, what);
    }
  }
}
