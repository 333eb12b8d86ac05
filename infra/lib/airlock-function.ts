import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { aliasArgs, houseBundling, REPO_ROOT } from './bundling';
import { acknowledge, IAM5_STAR } from './nag';

export { REPO_ROOT } from './bundling';

/**
 * How function code is produced.
 * - `esbuild`: NodejsFunction with LOCAL esbuild (no Docker), the deployable form.
 * - `none`: an inline placeholder, so template tests run without the entry files and in milliseconds.
 */
export type BundlingMode = 'esbuild' | 'none';

export const RUNTIME = lambda.Runtime.NODEJS_22_X;

export interface AirlockFunctionProps {
  /** Repo-relative entry file exporting `handler` (e.g. `workflow/tasks/record-pre-state.ts`). */
  readonly entry: string;
  /** Logical name: the `AIRLOCK_TASK` environment variable and the logger's `service`. */
  readonly taskName: string;
  /** Fixed IAM role name (member-account responder roles trust it by name). */
  readonly roleName: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** pino level. @default 'info' */
  readonly logLevel?: string;
  /** Added to the house environment (TABLE_NAME, HOME_ACCOUNT_ID, … are passed by the stack). @default {} */
  readonly environment?: Record<string, string>;
  /** @default 'esbuild' */
  readonly bundling?: BundlingMode;
  /**
   * Bundle the AWS SDK v3 into the function (the exact version the tests ran) instead of using the runtime's copy.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
  /** Run with `--enable-source-maps` (infra/lib/bundling.ts). @default true */
  readonly runtimeSourceMaps?: boolean;
  /** @default `Airlock <taskName> (<entry>)` */
  readonly description?: string;
}

/**
 * Airlock's house defaults for every Lambda function, in one place: Node.js 22 on ARM64, X-Ray ACTIVE,
 * a dedicated log group with retention, a named role with only its own log-writing rights (grants are added
 * by the stack), and the esbuild settings of infra/lib/bundling.ts (minified, source maps on, the AWS SDK v3
 * BUNDLED unless `bundleAwsSdk: false`, so a function runs the SDK version the tests ran against, whatever the
 * runtime ships; Bolt's unused receivers' packages stubbed).
 */
export class AirlockFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly entry: string;

  constructor(scope: Construct, id: string, props: AirlockFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: `Airlock ${props.taskName} function role`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const house = houseBundling({
      bundleAwsSdk: props.bundleAwsSdk ?? true,
      runtimeSourceMaps: props.runtimeSourceMaps ?? true,
    });
    const common = {
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      description: props.description ?? `Airlock ${props.taskName} (${props.entry})`,
      environment: {
        ...props.environment,
        AIRLOCK_TASK: props.taskName,
        LOG_LEVEL: props.logLevel ?? 'info',
        ...(house.nodeOptions ? { NODE_OPTIONS: house.nodeOptions } : {}),
      },
    };

    if ((props.bundling ?? 'esbuild') === 'esbuild') {
      this.function = new nodejs.NodejsFunction(this, 'Function', {
        ...common,
        entry: join(REPO_ROOT, props.entry),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
        // Exactly infra/lib/bundling.ts's settings (bench/lib/bot-bundle.ts runs the same through esbuild's API).
        bundling: {
          forceDockerBundling: false,
          minify: house.minify,
          sourceMap: house.sourceMap,
          sourcesContent: house.sourcesContent,
          target: house.target,
          format: nodejs.OutputFormat.CJS,
          mainFields: [...house.mainFields],
          externalModules: [...house.externalModules],
          esbuildArgs: { '--alias': aliasArgs(house) },
        },
      });
    } else {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromInline(
          `exports.handler = async () => { throw new Error('placeholder for ${props.entry}: synthesized without bundling'); };`,
        ),
      });
    }
    this.acknowledgeHouseDefaults();
  }

  private acknowledgeHouseDefaults(): void {
    acknowledge(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the code is built and tested on (package.json engines, the node devDependency, esbuild target node22); runtime and toolchain move together',
      },
    ]);
    acknowledge(this.role, [IAM5_STAR]);
  }

  get functionArn(): string {
    return this.function.functionArn;
  }
}
