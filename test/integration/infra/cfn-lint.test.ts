import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../workflow/log';
import { synthIrStack, synthResponderStack } from '../../unit/infra/synth';

const allowlist = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'infra', 'cfn-lint-allowlist.json'), 'utf8'),
) as { rules: Record<string, string> };
const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available) {
  createLogger('cfn-lint.test').warn('cfn-lint is not installed: the template lint is skipped');
}

/** One parseable finding: `file:line:col:endline:endcol:RULE:message`. */
function findings(output: string): { rule: string; line: string }[] {
  return output
    .split('\n')
    .filter((line) => /:[EWI]\d{4}:/.test(line))
    .map((line) => ({ rule: /:([EWI]\d{4}):/.exec(line)?.[1] ?? '', line }));
}

(available ? describe : describe.skip)('cfn-lint on the synthesized templates', () => {
  it('reports no finding outside the documented allow-list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-cfn-lint-'));
    try {
      const files = [
        ['AirlockStack.template.json', synthIrStack().template.toJSON()],
        ['AirlockResponderStack.template.json', synthResponderStack().template.toJSON()],
      ] as const;
      for (const [name, body] of files) writeFileSync(join(dir, name), JSON.stringify(body, null, 1));
      const result = spawnSync(
        'cfn-lint',
        ['--format', 'parseable', ...files.map(([name]) => join(dir, name))],
        { encoding: 'utf8', timeout: 300_000 },
      );
      const unexpected = findings(`${result.stdout}\n${result.stderr}`).filter(
        (f) => !(f.rule in allowlist.rules),
      );
      expect(unexpected.map((f) => f.line)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('gives every allow-listed rule a reason', () => {
    for (const reason of Object.values(allowlist.rules)) expect(reason.length).toBeGreaterThan(30);
  });
});
