import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../workflow/ledger/table';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no types: a factory returning an http.Server whose close() also closes the store.
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

export const DEFAULT_LEDGER_TABLE = 'airlock-ledger';

/** How long close() waits for running requests before cutting connections. */
const DRAIN_MS = 2_000;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** The ledger table created at start (`tableName` option). */
  tableName: string;
  /** Creates another ledger table (tableDefinition) on this server, unless it exists; waits for ACTIVE. */
  createTable(tableName: string): Promise<void>;
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** A LevelDB directory to persist to; in memory when absent. */
  path?: string;
  /** @default 'airlock-ledger' */
  tableName?: string;
}

/** A DynamoDB client for a local endpoint: dummy credentials, us-east-1, few retries. */
export function localDynamoClients(endpoint: string): {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

/** Creates the ledger table unless it exists, then waits until it (and gsi1) is ACTIVE. */
export async function ensureLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await sleep(10);
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/**
 * Starts dynalite on 127.0.0.1 (random port), in memory unless `path` is given, with the ledger table created.
 * Tables become ACTIVE at once (createTableMs 0).
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const { client, doc } = localDynamoClients(endpoint);
  const tableName = options.tableName ?? DEFAULT_LEDGER_TABLE;
  // dynalite throws from its action callback (`if (err) throw err`) when the store closes under a running
  // action, which crashes the process. So close() drains: a request counts until dynalite calls res.end(),
  // or until its socket closes before the body arrived (the action never started).
  let inflight = 0;
  let drained: (() => void) | undefined;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inflight += 1;
    let done = false;
    const settle = (): void => {
      if (done) return;
      done = true;
      inflight -= 1;
      if (inflight === 0) drained?.();
    };
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      settle();
      return end(...args);
    }) as ServerResponse['end'];
    res.once('close', () => {
      if (!req.complete) settle();
    });
  });
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    server.closeIdleConnections();
    if (inflight > 0) {
      await Promise.race([new Promise<void>((resolve) => (drained = resolve)), sleep(DRAIN_MS)]);
    }
    doc.destroy();
    client.destroy();
    server.closeAllConnections();
    await closed;
  };
  try {
    await ensureLedgerTable(client, tableName);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client, doc, tableName, createTable: (name) => ensureLedgerTable(client, name), close };
}
