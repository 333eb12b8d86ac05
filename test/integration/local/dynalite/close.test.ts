import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClients, startDynalite } from '../../../../local/dynalite';

// dynalite throws from its action callback when its store closes under a running action ("Database is
// closed"), which would crash the whole process. close() must drain running requests first.
// 200 writes are enough to have many in flight at close(); the explicit timeout allows for a loaded CI
// machine (1,000 writes took over jest's default 5 s there).
const WRITES = 200;

describe('startDynalite close()', () => {
  it('drains requests still running when close() is called, and the process survives', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const dynamo = await startDynalite({ tableName: 'close-drain' });
      const other = localDynamoClients(dynamo.endpoint);
      // Warm the client (credentials, first socket) so the burst below reaches the server at once.
      await other.doc.send(new PutCommand({ TableName: 'close-drain', Item: { pk: 'warm', sk: 's' } }));
      let firstAnswered: () => void = () => {};
      const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
      const writes = Array.from({ length: WRITES }, (_, i) =>
        other.doc
          .send(new PutCommand({ TableName: 'close-drain', Item: { pk: `p${i}`, sk: 's', n: i } }))
          .then(
            () => {
              firstAnswered();
              return 'ok' as const;
            },
            (e: Error) => `failed ${e.name}: ${e.message}`,
          ),
      );
      // Once the server answers the first write, the others are on the wire: close while they run.
      await answered;
      await dynamo.close();
      const outcomes = await Promise.all(writes);
      other.doc.destroy();
      other.client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
      // Requests the server already had were answered, not cut off (later ones may be refused).
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(0);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }, 30_000);
});
