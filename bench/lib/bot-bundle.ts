import { existsSync, statSync } from 'node:fs';
import { type BuildOptions, build } from 'esbuild';
import { botBundling, esbuildOptions, type HouseBundling } from '../../infra/lib/bundling';

/**
 * The esbuild API options equal to the esbuild CLI CDK's NodejsFunction runs for the bot: infra/lib/bundling.ts's
 * house settings with the bot's SDK choice, the one source infra/lib/airlock-function.ts reads too
 * (test/integration/infra/cdk-synth.test.ts checks that both produce the same bytes). Output `index.js`.
 */
export function cdkBuildOptions(
  entry: string,
  outdir: string,
  bundling: HouseBundling = botBundling(),
): BuildOptions {
  return { ...esbuildOptions(bundling, entry, outdir), metafile: true, logLevel: 'warning' };
}

export interface BundleResult {
  file: string;
  bytes: number;
  /** The linked source map (0 when the bundling writes none). */
  mapBytes: number;
  bundling: HouseBundling;
  /** Bytes in the output per package (node_modules package name, or the repo's top-level folder). */
  topInputs: Record<string, number>;
  /** Every input file in the output (repo-relative), for checks on what is and is not bundled. */
  inputs: string[];
}

function packageOf(input: string): string {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return match?.[1] ?? input.split('/')[0] ?? input;
}

/** Bundles `entry` into `outdir` the way CDK does and reports the size of the .js (and its map). */
export async function bundleLikeCdk(
  entry: string,
  outdir: string,
  top = 12,
  bundling: HouseBundling = botBundling(),
): Promise<BundleResult> {
  const options = cdkBuildOptions(entry, outdir, bundling);
  const result = await build(options);
  const file = options.outfile as string;
  const byPackage = new Map<string, number>();
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
  const inputs = Object.entries(output?.inputs ?? {});
  for (const [input, info] of inputs) {
    const key = packageOf(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const topInputs = Object.fromEntries([...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, top));
  const map = `${file}.map`;
  return {
    file,
    bytes: statSync(file).size,
    mapBytes: existsSync(map) ? statSync(map).size : 0,
    bundling,
    topInputs,
    inputs: inputs.map(([input]) => input),
  };
}
