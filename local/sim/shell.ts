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

/** What the simulated `curl` PUT got back: an HTTP status, or a connection failure (curl's exit code). */
export interface ShellPutResult {
  status: number;
  /** curl's exit code when no HTTP answer came (e.g. 28 = timed out). */
  curlExit?: number;
  message?: string;
}

/** A host that can also PUT (the capture script's `… | curl -X PUT --data-binary @- '<url>'`). */
export interface UploadingHost extends ShellHost {
  put?: (url: string, headers: Record<string, string>, body: Uint8Array) => ShellPutResult;
}

export interface ShellRun {
  stdout: string;
  exitCode: number;
}

function cannedOutput(segment: string, host: ShellHost): string[] {
  const lines: string[] = [];
  for (const canned of CANNED)
    if (canned.match.test(segment.replace(/echo\s+"[^"]*"/g, ''))) lines.push(...canned.output(host));
  return lines;
}

/** Splits a command line at the `;` outside parentheses (a subshell's own `;` stays inside it). */
function splitTopLevel(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ';' && depth === 0) {
      parts.push(line.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

const echoes = (segment: string) => [...segment.matchAll(/echo\s+"([^"]*)"/g)].map((m) => m[1] ?? '');

/**
 * Runs one `producer | curl … '<url>' || { fallback }` line: the producer's output is the body of the PUT (held in
 * memory, as `--data-binary @-` does, so nothing is written to the host's disk); with `--fail`, an HTTP error or a
 * connection failure prints curl's message and runs the fallback (whose `fail=1` makes the script exit 1).
 */
function runUpload(command: string, pipeAt: number, host: UploadingHost, out: string[]): boolean {
  const producer = command.slice(0, pipeAt);
  const rest = command.slice(pipeAt + 1);
  const orAt = rest.indexOf('||');
  const curlPart = orAt >= 0 ? rest.slice(0, orAt) : rest;
  const fallback = orAt >= 0 ? rest.slice(orAt + 2) : '';
  const segments = splitTopLevel(producer);
  const piped = segments.pop() ?? '';
  for (const segment of segments) out.push(...echoes(segment), ...cannedOutput(segment, host));
  const body = new TextEncoder().encode(`${[...echoes(piped), ...cannedOutput(piped, host)].join('\n')}\n`);
  const url = /'(https:\/\/[^']+)'/.exec(curlPart)?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const m of curlPart.matchAll(/-H\s+'([^:']+):\s*([^']*)'/g)) headers[m[1] ?? ''] = m[2] ?? '';
  const result: ShellPutResult = host.put
    ? host.put(url, headers, body)
    : { status: 0, curlExit: 6, message: 'Could not resolve host' };
  if (result.status >= 200 && result.status < 300) return false;
  out.push(
    result.curlExit !== undefined
      ? `curl: (${result.curlExit}) ${result.message ?? 'connection failed'}`
      : `curl: (22) The requested URL returned error: ${result.status}`,
  );
  out.push(...echoes(fallback));
  return /\bfail=1\b/.test(fallback);
}

/**
 * Runs a script on a simulated host: echoes, canned forensic output, uploads to presigned URLs through `host.put`,
 * and `exit "$fail"` (1 when an upload's fallback set `fail=1`).
 */
export function runShell(commands: string[], host: UploadingHost): ShellRun {
  const lines: string[] = [`# airlock-sim ${host.instanceId}`];
  let failed = false;
  let exitCode: number | undefined;
  for (const command of commands) {
    lines.push(`+ ${command}`);
    const pipeAt = command.search(/\|\s*curl\b/);
    if (pipeAt >= 0) {
      if (runUpload(command, pipeAt, host, lines)) failed = true;
      continue;
    }
    if (/^\s*exit\s+"?\$fail"?\s*$/.test(command)) {
      exitCode = failed ? 1 : 0;
      break;
    }
    lines.push(...echoes(command), ...cannedOutput(command, host));
  }
  return { stdout: `${lines.join('\n')}\n`, exitCode: exitCode ?? 0 };
}

export function simulateShell(commands: string[], host: ShellHost): string {
  return runShell(commands, host).stdout;
}
