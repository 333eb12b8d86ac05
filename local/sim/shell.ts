/**
 * Deterministic "output" of a Run Command shell script on a simulated instance: each script line is echoed and
 * well-known forensic commands (ps, ss/netstat, who, lsmod, last, date, avml) answer with canned, plausible text
 * that names the instance, so evidence objects differ per instance and are identical across runs.
 */

export interface ShellHost {
  instanceId: string;
  privateIp: string;
  now: string;
}

const CANNED: { match: RegExp; output: (h: ShellHost) => string[] }[] = [
  { match: /\bdate\b/, output: (h) => [h.now.replace(/\.\d{3}Z$/, 'Z')] },
  {
    match: /\bps\b/,
    output: () => [
      'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
      'root           1  0.0  0.4 105268 12000 ?        Ss   00:00   0:01 /usr/lib/systemd/systemd',
      'root         612  0.0  0.3  29420  9120 ?        Ss   00:00   0:00 /usr/bin/amazon-ssm-agent',
      'nginx       1011  0.1  0.6  55000 16000 ?        S    00:01   0:03 nginx: worker process',
      'ec2-user    4242 97.3  1.1 381120 45000 ?        Sl   02:05  61:12 /tmp/.x/kworkerd -o pool.example:3333',
    ],
  },
  {
    match: /\b(ss|netstat)\b/,
    output: (h) => [
      'State   Recv-Q Send-Q Local Address:Port   Peer Address:Port Process',
      `LISTEN  0      511    0.0.0.0:80           0.0.0.0:*         users:(("nginx",pid=1011))`,
      `ESTAB   0      0      ${h.privateIp}:22     198.51.100.23:50122 users:(("sshd",pid=4100))`,
      `ESTAB   0      0      ${h.privateIp}:41862  192.0.2.66:3333     users:(("kworkerd",pid=4242))`,
    ],
  },
  {
    match: /\bwho\b/,
    output: () => [
      '           system boot  2024-01-01 00:00',
      'ec2-user pts/0        2024-01-01 02:04 (198.51.100.23)',
    ],
  },
  {
    match: /\blsmod\b/,
    output: () => [
      'Module                  Size  Used by',
      'ena                   155648  0',
      'xfs                  2064384  1',
    ],
  },
  {
    match: /\blast\b/,
    output: () => [
      'ec2-user pts/0        198.51.100.23    Mon Jan  1 02:04   still logged in',
      '',
      'wtmp begins Mon Jan  1 00:00:00 2024',
    ],
  },
  { match: /\bavml\b/, output: () => ['avml unavailable'] },
];

export function simulateShell(commands: string[], host: ShellHost): string {
  const lines: string[] = [`# airlock-sim ${host.instanceId}`];
  for (const command of commands) {
    lines.push(`+ ${command}`);
    for (const m of command.matchAll(/echo\s+"([^"]*)"/g)) lines.push(m[1] ?? '');
    for (const canned of CANNED)
      if (canned.match.test(command.replace(/echo\s+"[^"]*"/g, ''))) lines.push(...canned.output(host));
  }
  return `${lines.join('\n')}\n`;
}
