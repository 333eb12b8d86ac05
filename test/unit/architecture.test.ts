import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'cdk.out') return [];
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
}

/** Resolves a relative import to a repo path, so we can see which top-level folder it lands in. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(root, join(root, file, '..', spec));
}

describe('architecture boundaries (docs/ARCHITECTURE.md)', () => {
  it('workflow/ never imports bot/ (the workflow knows nothing of Slack)', () => {
    const offenders = sourceFiles('workflow').flatMap((f) =>
      imports(f)
        .map((s) => target(f, s))
        .filter((t) => t?.startsWith('bot'))
        .map((t) => `${f} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('nothing outside local/, test/ and bench/ imports local/ (the offline twins)', () => {
    const offenders = ['workflow', 'bot', 'infra'].flatMap((dir) =>
      sourceFiles(dir).flatMap((f) =>
        imports(f)
          .map((s) => target(f, s))
          .filter((t) => t?.startsWith('local'))
          .map((t) => `${f} → ${t}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('infra/ holds no business logic: it imports only the catalog, definition, capture document, config and ledger table shape', () => {
    // The Airlock-Capture document is, like the ASL, a deployed artefact shared by the stack and the workflow. The
    // ticket sink's settings schema is configuration the stack validates at synth, like workflow/config.
    const allowed =
      /^(workflow\/(tasks\/catalog|definition|domain\/ec2\/capture-document|config|ticket-sinks\/settings|ledger\/(dynamo-ledger|table))|infra\/)/;
    const offenders = sourceFiles('infra').flatMap((f) =>
      imports(f)
        .map((s) => target(f, s))
        .filter((t): t is string => t !== undefined && !allowed.test(t))
        .map((t) => `${f} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no console.* and no `any` in source (logging goes through pino)', () => {
    const offenders = ['workflow', 'bot', 'infra'].flatMap((dir) =>
      sourceFiles(dir).filter((f) =>
        /\bconsole\.(log|error|warn|info)\(|:\s*any\b|as any\b/.test(readFileSync(join(root, f), 'utf8')),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
