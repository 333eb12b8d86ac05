import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

/**
 * esbuild options equal to what CDK's NodejsFunction runs for the bot (infra/lib/airlock-function.ts bundling,
 * bundleAwsSdk default true): `--bundle --platform=node --target=node22 --format=cjs --minify --sourcemap
 * --sources-content=false --main-fields=module,main`, no externals, output `index.js`.
 */
export function cdkBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: [],
    outfile: join(outdir, 'index.js'),
    metafile: true,
    logLevel: 'warning',
  };
}

export interface BundleResult {
  file: string;
  bytes: number;
  mapBytes: number;
  /** Bytes in the output per package (node_modules package name, or the repo's top-level folder). */
  topInputs: Record<string, number>;
}

function packageOf(input: string): string {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return match?.[1] ?? input.split('/')[0] ?? input;
}

/** Bundles `entry` into `outdir` the way CDK does and reports the size of the .js (and its map). */
export async function bundleLikeCdk(entry: string, outdir: string, top = 12): Promise<BundleResult> {
  const options = cdkBuildOptions(entry, outdir);
  const result = await build(options);
  const file = options.outfile as string;
  const byPackage = new Map<string, number>();
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
  for (const [input, info] of Object.entries(output?.inputs ?? {})) {
    const key = packageOf(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const topInputs = Object.fromEntries([...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, top));
  return { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size, topInputs };
}
