import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDefinition } from '../../workflow/ledger/table';

/** The item-level actions the ledger uses (workflow/ledger: Get, Put, Update, Delete, Query). Nothing else. */
export const LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
] as const;

export interface LedgerTableProps {
  /** DynamoDB TTL attribute. @default none: the ledger is the audit trail */
  readonly timeToLiveAttribute?: string;
}

function keyAttribute(
  definitions: { AttributeName?: string; AttributeType?: string }[],
  name: string | undefined,
): dynamodb.Attribute {
  const def = definitions.find((d) => d.AttributeName === name);
  if (!name || def?.AttributeType !== 'S')
    throw new Error(`airlock: ledger key ${name} must be a string attribute`);
  return { name, type: dynamodb.AttributeType.STRING };
}

/**
 * The ledger table, derived from `tableDefinition()` (workflow/ledger/table.ts), the same definition the tests and
 * the offline workspace create in dynalite: one source for keys and indexes. On-demand, point-in-time recovery,
 * deletion protection, RETAIN, encrypted with the AWS-managed key (aws/dynamodb): access is governed by the
 * table's IAM grants, and no per-function KMS grant is needed.
 */
export class LedgerTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: LedgerTableProps = {}) {
    super(scope, id);
    const def = tableDefinition('airlock-ledger');
    const attrs = def.AttributeDefinitions ?? [];
    const keyOf = (
      schema: { AttributeName?: string; KeyType?: string }[] | undefined,
      type: 'HASH' | 'RANGE',
    ) => schema?.find((k) => k.KeyType === type)?.AttributeName;
    const sortName = keyOf(def.KeySchema, 'RANGE');
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: keyAttribute(attrs, keyOf(def.KeySchema, 'HASH')),
      ...(sortName ? { sortKey: keyAttribute(attrs, sortName) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.timeToLiveAttribute ? { timeToLiveAttribute: props.timeToLiveAttribute } : {}),
    });
    for (const gsi of def.GlobalSecondaryIndexes ?? []) {
      const gsiSort = keyOf(gsi.KeySchema, 'RANGE');
      if (!gsi.IndexName) throw new Error('airlock: ledger index without a name');
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.IndexName,
        partitionKey: keyAttribute(attrs, keyOf(gsi.KeySchema, 'HASH')),
        ...(gsiSort ? { sortKey: keyAttribute(attrs, gsiSort) } : {}),
        projectionType:
          gsi.Projection?.ProjectionType === 'ALL'
            ? dynamodb.ProjectionType.ALL
            : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
  }

  /** Exactly LEDGER_ACTIONS on the table and its indexes. */
  grantLedger(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LedgerItems',
        actions: [...LEDGER_ACTIONS],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/*`],
      }),
    );
  }
}
