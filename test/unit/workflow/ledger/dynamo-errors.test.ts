import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ThrottledError, TransientAwsError } from '../../../../workflow/errors';
import { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import { makeDecision, makeRequest } from '../../../helpers/requests';

const ddb = mockClient(DynamoDBDocumentClient);
const meta = { $metadata: {} };

function ledger(): DynamoLedger {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  return new DynamoLedger({
    doc,
    tableName: 'airlock-ledger',
    clock: { now: () => new Date('2025-03-01T12:00:00Z') },
  });
}

function throttlingException(): Error {
  const error = new Error('Rate of requests exceeds the allowed throughput.');
  error.name = 'ThrottlingException';
  return Object.assign(error, { $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => ddb.reset());

describe('DynamoLedger error mapping', () => {
  it('fails with ThrottledError (keeping the cause) when a read is throttled', async () => {
    const cause = new ProvisionedThroughputExceededException({ message: 'throughput exceeded', ...meta });
    ddb.on(GetCommand).rejects(cause);

    const error = await ledger()
      .getIncident('inc-0123456789abcdef')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).name).toBe('ThrottledError');
    expect((error as ThrottledError).message).toContain('ProvisionedThroughputExceededException');
    expect((error as ThrottledError).cause).toBe(cause);
  });

  it('fails with ThrottledError when intake’s conditional put is throttled (not taken for a lost race)', async () => {
    ddb.on(PutCommand).rejects(throttlingException());

    await expect(ledger().recordIntake(makeRequest(), makeDecision())).rejects.toBeInstanceOf(ThrottledError);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('fails with ThrottledError when a decision write is throttled', async () => {
    ddb.on(UpdateCommand).rejects(throttlingException());

    await expect(
      ledger().decide('apr-0123456789abcdef', 'approve', 'U0X', new Date('2025-03-01T12:00:00Z')),
    ).rejects.toBeInstanceOf(ThrottledError);
  });

  it('fails with TransientAwsError on a DynamoDB 5xx', async () => {
    ddb.on(QueryCommand).rejects(new InternalServerError({ message: 'internal', ...meta }));

    await expect(ledger().listOpenIncidents()).rejects.toBeInstanceOf(TransientAwsError);
  });

  it('rethrows other errors unchanged', async () => {
    const validation = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
    });
    ddb.on(GetCommand).rejects(validation);

    await expect(ledger().getApproval('apr-1')).rejects.toBe(validation);
  });

  it('decides with ONE conditional UpdateItem and reads only after losing', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', ...meta }));
    ddb.on(GetCommand).resolves({
      Item: {
        pk: 'APR#apr-1',
        sk: 'META',
        approvalId: 'apr-1',
        incidentId: 'inc-1',
        taskToken: 't',
        kind: 'primary',
        createdAt: '2025-03-01T12:00:00.000Z',
        expiresAt: '2025-03-01T16:00:00.000Z',
        decision: 'approve',
        decidedBy: 'U0FIRST',
      },
    });

    const result = await ledger().decide('apr-1', 'reject', 'U0SECOND', new Date('2025-03-01T13:00:00Z'));

    expect(result).toMatchObject({ outcome: 'already-decided', approval: { decidedBy: 'U0FIRST' } });
    expect(result.outcome === 'already-decided' && result.approval).not.toHaveProperty('pk');
    const updates = ddb.commandCalls(UpdateCommand);
    expect(updates).toHaveLength(1);
    const input = updates[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: 'APR#apr-1', sk: 'META' });
    const names = input?.ExpressionAttributeNames ?? {};
    const condition = (input?.ConditionExpression ?? '').replace(/#n\d+/g, (p) => names[p] ?? p);
    expect(condition).toBe(
      '(attribute_exists(pk)) AND (attribute_not_exists(decision)) AND (expiresAt > :v3) AND (attribute_not_exists(expiredAt))',
    );
    expect(input?.ExpressionAttributeValues?.[':v3']).toBe('2025-03-01T13:00:00.000Z');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });
});
