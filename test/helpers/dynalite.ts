import { randomBytes } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamo, startDynalite } from '../../local/dynalite';
import { DynamoLedger } from '../../workflow/ledger/dynamo-ledger';
import type { Clock } from '../../workflow/ports';

export { type LocalDynamo, startDynalite } from '../../local/dynalite';

export interface DynaliteFixture {
  /** The running server (after beforeAll). */
  readonly dynamo: LocalDynamo;
  /** This test file's table (fresh name per file). */
  readonly tableName: string;
  /** A ledger on this file's table. */
  ledger(clock?: Clock): DynamoLedger;
  /** A ledger on a brand-new table: full isolation for one test. */
  freshLedger(clock?: Clock): Promise<DynamoLedger>;
  /** A brand-new table with its ledger, plus raw access for tests that inspect or plant items. */
  freshTable(clock?: Clock): Promise<LedgerTable>;
}

export interface LedgerTable {
  ledger: DynamoLedger;
  tableName: string;
  /** Every item in the table (raw, with pk/sk). */
  scan(): Promise<Record<string, unknown>[]>;
  /** Writes a raw item (to plant the state a crash would leave). */
  put(item: Record<string, unknown>): Promise<void>;
}

export function uniqueTableName(prefix = 'ledger'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Starts dynalite in beforeAll (in memory, random port, fresh table name) and closes it in afterAll.
 * Call at the top of a describe block or test file:
 *   const db = useDynalite();
 *   it('…', async () => { const ledger = await db.freshLedger(clock); … });
 */
export function useDynalite(): DynaliteFixture {
  let dynamo: LocalDynamo | undefined;
  const tableName = uniqueTableName();
  const running = (): LocalDynamo => {
    if (!dynamo) throw new Error('dynalite is not running: use the fixture inside a test or hook');
    return dynamo;
  };

  beforeAll(async () => {
    dynamo = await startDynalite({ tableName });
  });
  afterAll(async () => {
    await dynamo?.close();
    dynamo = undefined;
  });

  return {
    get dynamo() {
      return running();
    },
    tableName,
    ledger: (clock) => new DynamoLedger({ doc: running().doc, tableName, ...(clock ? { clock } : {}) }),
    freshLedger: async (clock) => (await freshTable(clock)).ledger,
    freshTable,
  };

  async function freshTable(clock?: Clock): Promise<LedgerTable> {
    const name = uniqueTableName();
    const { doc, createTable } = running();
    await createTable(name);
    return {
      ledger: new DynamoLedger({ doc, tableName: name, ...(clock ? { clock } : {}) }),
      tableName: name,
      scan: async () => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await doc.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
          items.push(...(out.Items ?? []));
          start = out.LastEvaluatedKey;
        } while (start);
        return items;
      },
      put: async (item) => {
        await doc.send(new PutCommand({ TableName: name, Item: item }));
      },
    };
  }
}

/** A settable clock for ledger tests (timestamps come from the injected clock). */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(start = '2025-03-01T12:00:00.000Z'): TestClock {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = Date.parse(iso);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
