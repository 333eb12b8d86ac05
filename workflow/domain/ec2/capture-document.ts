/**
 * The stack-owned SSM document that volatile capture runs ("Airlock-Capture"): fixed commands, typed parameters.
 * The member-account stack deploys it, and SendCommand is granted on this document only (never a free shell).
 */
export const CAPTURE_DOCUMENT_NAME = 'Airlock-Capture';

/** The document content (SSM schema 2.2), as deployed by the member-account stack. */
export function captureDocumentContent(): Record<string, unknown> {
  return {
    schemaVersion: '2.2',
    description: 'Airlock: capture volatile evidence (processes, connections, users, modules)',
    parameters: {
      executionTimeout: { type: 'String', default: '120', allowedPattern: '^[0-9]{1,4}$' },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'capture',
        inputs: {
          timeoutSeconds: '{{ executionTimeout }}',
          runCommand: [
            'set -u',
            'echo "== date"; date -u +%Y-%m-%dT%H:%M:%SZ',
            'echo "== processes"; ps auxww',
            'echo "== connections"; (ss -tanup || netstat -tanup) 2>&1',
            'echo "== logged-in users"; who -a; w',
            'echo "== loaded modules"; lsmod; cat /proc/modules',
          ],
        },
      },
    ],
  };
}
