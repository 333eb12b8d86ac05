import {
  DescribeExecutionCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  ExecutionAlreadyExists as SfnExecutionAlreadyExists,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { ApprovalExpiredError } from '../../../../workflow/errors';
import {
  ExecutionAlreadyExists,
  executionArnFor,
  SfnExecutions,
} from '../../../../workflow/intake/sfn-executions';

const sfn = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:airlock';
const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:airlock:inc-0123456789abcdef';
const executions = new SfnExecutions({ client: new SFNClient({ region: 'us-east-1' }), stateMachineArn });
const input = { incidentId: 'inc-0123456789abcdef', route: 'contain-ec2', request: { a: 1, b: [1, 2] } };

const sdkError = (Ctor: new (o: { message: string; $metadata: object }) => Error, message = 'boom'): Error =>
  new Ctor({ message, $metadata: {} });

beforeAll(() => configureAwsRetry({ baseDelayMs: 1, maxDelayMs: 2 }));
beforeEach(() => sfn.reset());

describe('SfnExecutions.start', () => {
  it('starts an execution named after the incident with the JSON input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });
    await expect(executions.start({ name: 'inc-0123456789abcdef', input })).resolves.toEqual({
      executionArn,
      alreadyRunning: false,
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn,
      name: 'inc-0123456789abcdef',
      input: JSON.stringify(input),
    });
  });

  it('answers alreadyRunning when the name exists, is RUNNING, and has the same input (key order aside)', async () => {
    sfn.on(StartExecutionCommand).rejects(sdkError(SfnExecutionAlreadyExists));
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn,
      status: 'RUNNING',
      input: '{"route":"contain-ec2","request":{"b":[1,2],"a":1},"incidentId":"inc-0123456789abcdef"}',
    });
    await expect(executions.start({ name: 'inc-0123456789abcdef', input })).resolves.toEqual({
      executionArn,
      alreadyRunning: true,
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn });
  });

  it('fails with ExecutionAlreadyExists (naming the execution) when that execution finished', async () => {
    sfn.on(StartExecutionCommand).rejects(sdkError(SfnExecutionAlreadyExists));
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn, status: 'SUCCEEDED', input: JSON.stringify(input) });
    const error = await executions.start({ name: 'inc-0123456789abcdef', input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionAlreadyExists);
    expect(error).toMatchObject({ name: 'ExecutionAlreadyExists', executionArn, status: 'SUCCEEDED' });
  });

  it('fails with ExecutionAlreadyExists when the running execution has a different input', async () => {
    sfn.on(StartExecutionCommand).rejects(sdkError(SfnExecutionAlreadyExists));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn, status: 'RUNNING', input: '{"other":true}' });
    await expect(executions.start({ name: 'inc-0123456789abcdef', input })).rejects.toThrow(
      /already exists \(RUNNING, with a different input\)/,
    );
  });

  it('retries throttling, then succeeds', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ executionArn, startDate: new Date() });
    await expect(executions.start({ name: 'inc-0123456789abcdef', input })).resolves.toMatchObject({
      executionArn,
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('fails with other errors unchanged (no lookup)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(executions.start({ name: 'inc-0123456789abcdef', input })).rejects.toThrow('denied');
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });
});

describe('SfnExecutions.sendTaskSuccess / sendTaskFailure', () => {
  it('sends the output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await executions.sendTaskSuccess('token+/=', { approvalId: 'apr-1', decision: 'approve' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token+/=',
      output: '{"approvalId":"apr-1","decision":"approve"}',
    });
  });

  it('sends the error name and cause', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    await executions.sendTaskFailure('token', 'DecisionRejected', 'false positive');
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token',
      error: 'DecisionRejected',
      cause: 'false positive',
    });
  });

  it.each([
    ['TaskTimedOut', TaskTimedOut],
    ['InvalidToken', InvalidToken],
    ['TaskDoesNotExist', TaskDoesNotExist],
  ] as const)('fails with ApprovalExpiredError on %s (success and failure)', async (code, Ctor) => {
    sfn.on(SendTaskSuccessCommand).rejects(sdkError(Ctor, 'Provided task does not exist anymore'));
    sfn.on(SendTaskFailureCommand).rejects(sdkError(Ctor, 'Provided task does not exist anymore'));
    const success = await executions.sendTaskSuccess('t', {}).catch((e: unknown) => e);
    expect(success).toBeInstanceOf(ApprovalExpiredError);
    expect((success as Error).message).toContain(code);
    await expect(executions.sendTaskFailure('t', 'DecisionRejected', 'x')).rejects.toBeInstanceOf(
      ApprovalExpiredError,
    );
  });

  it('fails with other errors unchanged', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const error = await executions.sendTaskSuccess('t', {}).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApprovalExpiredError);
    expect((error as Error).name).toBe('AccessDeniedException');
  });
});

describe('executionArnFor', () => {
  it('derives the execution ARN from the state machine ARN', () => {
    expect(executionArnFor(stateMachineArn, 'inc-0123456789abcdef')).toBe(executionArn);
  });
});
