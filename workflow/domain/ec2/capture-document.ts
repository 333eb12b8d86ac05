/**
 * The stack-owned SSM document that volatile capture runs ("Airlock-Capture"): fixed commands, typed parameters.
 * The member-account stack deploys it, and SendCommand is granted on this document only (never a free shell).
 *
 * Each section's output goes straight from the command into `curl`, which holds it in memory (`--data-binary @-`)
 * and PUTs it to a presigned URL that Airlock's capture task signed for exactly one key of this incident: nothing is
 * written to the instance's disk, and the instance needs no S3 permission of its own. `If-None-Match: *` is part of
 * the signature, so a URL can create its object once and never overwrite it. A failed upload prints curl's error,
 * and the script exits 1 (the invocation ends Failed).
 */
export const CAPTURE_DOCUMENT_NAME = 'Airlock-Capture';

/** The sections of a capture: one object (and one SHA-256) each. Order = the order they run in. */
export const CAPTURE_SECTIONS = [
  { name: 'processes', command: 'ps auxww' },
  { name: 'connections', command: '(ss -tanup || netstat -tanup)' },
  { name: 'users', command: '(who -a; w; last -n 50)' },
  { name: 'modules', command: '(lsmod; cat /proc/modules)' },
] as const;

export type CaptureSection = (typeof CAPTURE_SECTIONS)[number]['name'];

/** The document parameter that carries a section's presigned URL, e.g. `processesUrl`. */
export const urlParameter = (section: CaptureSection) => `${section}Url`;

/**
 * What a URL parameter admits: an https S3 endpoint and URL-safe characters only (no quote, space, `$`, `;` or
 * backtick), so a value can never break out of the single quotes it is pasted into.
 */
export const PRESIGNED_URL_PATTERN = '^https://[a-z0-9.-]+\\.amazonaws\\.com/[A-Za-z0-9._~/%?&=-]+$';

/** The document content (SSM schema 2.2), as deployed by the member-account stack. */
export function captureDocumentContent(): Record<string, unknown> {
  const urlParameters = Object.fromEntries(
    CAPTURE_SECTIONS.map((s) => [
      urlParameter(s.name),
      {
        type: 'String',
        description: `Presigned PUT URL for the ${s.name} section (signed by Airlock, valid minutes)`,
        allowedPattern: PRESIGNED_URL_PATTERN,
      },
    ]),
  );
  return {
    schemaVersion: '2.2',
    description:
      'Airlock: capture volatile evidence (processes, connections, users, modules) to presigned URLs, nothing on disk',
    parameters: {
      executionTimeout: { type: 'String', default: '120', allowedPattern: '^[0-9]{1,4}$' },
      ...urlParameters,
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'capture',
        inputs: {
          timeoutSeconds: '{{ executionTimeout }}',
          runCommand: [
            'set -u',
            'fail=0',
            'echo "== date"; date -u +%Y-%m-%dT%H:%M:%SZ',
            ...CAPTURE_SECTIONS.map(
              (s) =>
                `echo "== ${s.name}"; ${s.command} 2>&1 | curl --fail --silent --show-error --max-time 60 -X PUT ` +
                `-H 'If-None-Match: *' -H 'Content-Type: text/plain' --data-binary @- '{{ ${urlParameter(s.name)} }}' ` +
                `|| { echo "upload failed: ${s.name}"; fail=1; }`,
            ),
            'exit "$fail"',
          ],
        },
      },
    ],
  };
}
