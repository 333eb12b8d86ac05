import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../../../../local/dynalite';
import { DynamoLedger, tableDefinition } from '../../../../workflow/ledger/dynamo-ledger';
import { testClock } from '../../../helpers/dynalite';
import { makeDecision, makeRequest } from '../../../helpers/requests';

describe('ledger table on dynalite', () => {
  it('creates the table as tableDefinition describes it, ACTIVE at once, and is idempotent', async () => {
    const dynamo = await startDynalite({ tableName: 'airlock-table-test' });
    try {
      await dynamo.createTable('airlock-table-test');
      const { Table } = await dynamo.client.send(
        new DescribeTableCommand({ TableName: 'airlock-table-test' }),
      );
      const definition = tableDefinition('airlock-table-test');

      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual(definition.KeySchema);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.IndexStatus])).toEqual([
        ['gsi1', definition.GlobalSecondaryIndexes?.[0]?.KeySchema, 'ACTIVE'],
      ]);
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await dynamo.close();
    }
  });

  it('persists the ledger on disk with the path option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-dynalite-'));
    try {
      const first = await startDynalite({ path: dir });
      const opened = await new DynamoLedger({
        doc: first.doc,
        tableName: first.tableName,
        clock: testClock(),
      }).recordIntake(makeRequest(), makeDecision());
      await first.close();

      const second = await startDynalite({ path: dir });
      try {
        const ledger = new DynamoLedger({ doc: second.doc, tableName: second.tableName });
        expect(await ledger.getIncident(opened.incident.incidentId)).toEqual(opened.incident);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
