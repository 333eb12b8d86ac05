/**
 * Thrown by the stand-ins for packages Airlock's Lambda bundles leave out (infra/lib/bundling.ts, LAMBDA_STUBS):
 * code that reaches one took a path the functions never take (a Bolt receiver other than AwsLambdaReceiver).
 */
export function notBundled(pkg: string, what: string): never {
  throw new Error(
    `${pkg} (${what}) is not bundled into Airlock's Lambda functions: only AwsLambdaReceiver is (infra/lib/bundling.ts)`,
  );
}
