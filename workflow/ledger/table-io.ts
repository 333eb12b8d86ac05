import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, mapDynamoError } from './dynamo-errors';
import type { ItemKey } from './keys';

export type Item = Record<string, unknown>;

type WithoutTable<T> = Omit<T, 'TableName'>;

/**
 * Thin access to the ledger table. Every call maps SDK errors (throttling → ThrottledError …); a failed
 * condition is returned as a value (false / undefined) because a lost conditional write is information.
 */
export class TableIo {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Strongly consistent read (the ledger decides on what it reads). */
  async get(
    key: ItemKey,
    projection?: { expression: string; names: Record<string, string> },
  ): Promise<Item | undefined> {
    const out = await this.call('GetItem', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: true,
          ...(projection
            ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
            : {}),
        }),
      ),
    );
    return out.Item;
  }

  /** Put; false when the condition failed. */
  async put(input: WithoutTable<PutCommandInput>): Promise<boolean> {
    try {
      await this.call(
        'PutItem',
        () => this.doc.send(new PutCommand({ TableName: this.tableName, ...input })),
        true,
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Put only if no item has this key; false when one already exists. */
  putIfAbsent(item: Item & ItemKey): Promise<boolean> {
    return this.put({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
  }

  /** Update returning the new item; undefined when the condition failed. */
  async update(input: WithoutTable<UpdateCommandInput>): Promise<Item | undefined> {
    try {
      const out = await this.call(
        'UpdateItem',
        () =>
          this.doc.send(new UpdateCommand({ TableName: this.tableName, ReturnValues: 'ALL_NEW', ...input })),
        true,
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Delete; false when the condition failed. */
  async delete(input: WithoutTable<DeleteCommandInput>): Promise<boolean> {
    try {
      await this.call(
        'DeleteItem',
        () => this.doc.send(new DeleteCommand({ TableName: this.tableName, ...input })),
        true,
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** All pages of a query. */
  async queryAll(input: WithoutTable<QueryCommandInput>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.call('Query', () =>
        this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async call<T>(what: string, fn: () => Promise<T>, passConditional = false): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (passConditional && isConditionalCheckFailed(error)) throw error;
      throw mapDynamoError(error, what);
    }
  }
}
