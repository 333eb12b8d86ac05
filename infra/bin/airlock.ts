import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app';

/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy AirlockStack …`): env-agnostic stacks, no lookups, local esbuild.
 * Configuration: cdk.json context and `-c key=value` (infra/lib/config.ts, docs/DEPLOY.md).
 * cdk-nag AwsSolutions runs on every synth unless `-c nag=false`.
 */
const app = new App();
buildApp(app, { bundling: 'esbuild' });
const nag = app.node.tryGetContext('nag');
if (nag !== false && nag !== 'false') Aspects.of(app).add(new AwsSolutionsChecks());
