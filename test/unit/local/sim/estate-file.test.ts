import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_ESTATE_PATH,
  type EstateFile,
  EstateFileError,
  type EstateIssue,
  loadEstateFile,
  parseEstateFile,
} from '../../../../local/sim/estate-file';

const FIXTURE = join(__dirname, '../../../fixtures/estates/spot-two-vpcs.json');
const raw = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

const REMOVE = Symbol('remove');

/** The fixture with changes, each at a dotted path (`accounts.0.regions.0.instances.0.lifecycle`). */
function edited(...changes: [string, unknown][]): unknown {
  const copy = raw(FIXTURE);
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node = copy as Record<string, unknown>;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    if (Array.isArray(node) && last === '+') node.push(value);
    else if (value === REMOVE) delete node[last];
    else node[last] = value;
  }
  return copy;
}

function issuesOf(input: unknown): EstateIssue[] {
  try {
    parseEstateFile(input, 'test.json');
  } catch (error) {
    if (error instanceof EstateFileError) return error.issues;
    throw error;
  }
  throw new Error('the estate was accepted');
}

describe('parseEstateFile', () => {
  it('accepts the demo estate and fills defaults', () => {
    const estate = loadEstateFile(DEMO_ESTATE_PATH);
    const home = estate.accounts[0]?.regions[0];
    expect(home?.instances.map((i) => i.instanceId)).toEqual([
      'i-0a000000000000101',
      'i-0a000000000000102',
      'i-0a000000000000103',
      'i-0b000000000000101',
    ]);
    expect(home?.instances[0]?.lifecycle).toBe('on-demand');
    expect(home?.autoScalingGroups[0]).toMatchObject({ healthCheckType: 'EC2', gracePeriodSeconds: 300 });
    expect(estate.accounts.map((a) => a.accountId)).toEqual(['111122223333', '444455556666']);
  });

  it('accepts Spot, two VPCs, a network ACL, a NAT gateway flow and a shared role', () => {
    const estate: EstateFile = loadEstateFile(FIXTURE);
    const region = estate.accounts[0]?.regions[0];
    expect(region?.instances[0]?.lifecycle).toBe('spot');
    expect(region?.vpcs).toHaveLength(2);
    expect(region?.flows[0]).toMatchObject({ via: 'nat-gateway', natGateway: 'nat-0d000000000000001' });
    expect(new Set(region?.instances.map((i) => i.instanceProfile))).toEqual(new Set(['shared-app-profile']));
  });

  it('rejects a malformed field, naming its JSON path', () => {
    const issues = issuesOf(edited(['accounts.0.regions.0.instances.0.lifecycle', 'reserved']));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'accounts[0].regions[0].instances[0].lifecycle' }),
    ]);
    expect(issues[0]?.message).toMatch(/on-demand|spot/);
  });

  it('rejects an unknown key (a typo never silently drops a setting)', () => {
    const issues = issuesOf(
      edited(['accounts.0.regions.0.instances.0.instanceProfle', 'shared-app-profile']),
    );
    expect(issues[0]?.path).toBe('accounts[0].regions[0].instances[0]');
    expect(issues[0]?.message).toMatch(/instanceProfle/);
  });

  it('rejects a missing required field', () => {
    const issues = issuesOf(edited(['accounts.0.regions.0.instances.1.ssm', REMOVE]));
    expect(issues.map((i) => i.path)).toEqual(['accounts[0].regions[0].instances[1].ssm']);
  });

  it('rejects an interface in a subnet that does not exist', () => {
    const issues = issuesOf(
      edited(['accounts.0.regions.0.instances.0.networkInterfaces.0.subnet', 'subnet-0f000000000000099']),
    );
    expect(issues).toEqual([
      {
        path: 'accounts[0].regions[0].instances[0].networkInterfaces[0].subnet',
        message: 'subnet subnet-0f000000000000099 does not exist in 111122223333/us-east-1',
      },
    ]);
  });

  it('rejects a security group from another VPC than the interface', () => {
    const issues = issuesOf(
      edited([
        'accounts.0.regions.0.instances.0.networkInterfaces.0.securityGroups',
        ['sg-0e000000000000021'],
      ]),
    );
    expect(issues).toEqual([
      {
        path: 'accounts[0].regions[0].instances[0].networkInterfaces[0].securityGroups[0]',
        message:
          'security group sg-0e000000000000021 is in vpc-0e000000000000001, the interface in vpc-0d000000000000001',
      },
    ]);
  });

  it('rejects duplicate ids', () => {
    const issues = issuesOf(edited(['accounts.0.regions.0.instances.1.instanceId', 'i-0d000000000000101']));
    expect(issues).toContainEqual({
      path: 'accounts[0].regions[0].instances[1].instanceId',
      message:
        'duplicate instance id i-0d000000000000101 (also at accounts[0].regions[0].instances[0].instanceId)',
    });
  });

  it('rejects an instance profile or a role that does not exist', () => {
    const issues = issuesOf(
      edited(
        ['accounts.0.regions.0.instances.0.instanceProfile', 'nope'],
        ['accounts.0.instanceProfiles.0.roles', ['missing-role']],
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'accounts[0].instanceProfiles[0].roles[0]',
      'accounts[0].regions[0].instances[0].instanceProfile',
    ]);
  });

  it('rejects Auto Scaling groups with unknown members or target groups, and impossible sizes', () => {
    const issues = issuesOf(
      edited(
        [
          'accounts.0.regions.0.autoScalingGroups.0.instances',
          ['i-0e000000000000101', 'i-0f000000000000404'],
        ],
        ['accounts.0.regions.0.autoScalingGroups.0.targetGroups', ['no-such-tg']],
        ['accounts.0.regions.0.autoScalingGroups.0.maxSize', 1],
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'accounts[0].regions[0].autoScalingGroups[0].desiredCapacity',
      'accounts[0].regions[0].autoScalingGroups[0].instances[1]',
      'accounts[0].regions[0].autoScalingGroups[0].targetGroups[0]',
    ]);
  });

  it('rejects flows on unknown interfaces or through unknown NAT gateways', () => {
    const issues = issuesOf(
      edited(
        ['accounts.0.regions.0.flows.+', { eniId: 'eni-0f000000000000001', peer: '198.51.100.1', port: 443 }],
        ['accounts.0.regions.0.flows.0.natGateway', 'nat-0f000000000000001'],
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'accounts[0].regions[0].flows[0].natGateway',
      'accounts[0].regions[0].flows[1].eniId',
    ]);
  });

  it('rejects a subnet associated with another VPC’s network ACL', () => {
    const issues = issuesOf(
      edited(['accounts.0.regions.0.vpcs.0.subnets.0.networkAcl', 'acl-0e000000000000001']),
    );
    expect(issues).toEqual([
      {
        path: 'accounts[0].regions[0].vpcs[0].subnets[0].networkAcl',
        message: "network ACL acl-0e000000000000001 is not one of vpc-0d000000000000001's",
      },
    ]);
  });

  it('fails with the file name and every problem in its message', () => {
    const input = edited(['accounts.0.accountId', '1234']);
    expect(() => parseEstateFile(input, 'mine.json')).toThrow(
      'mine.json: accounts[0].accountId: must be a 12-digit account id',
    );
  });

  it('rejects a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-estate-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "accounts": [');
    expect(() => loadEstateFile(path)).toThrow(EstateFileError);
    expect(() => loadEstateFile(path)).toThrow(/cannot read as JSON/);
  });
});
