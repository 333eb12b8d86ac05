import { ListAccessKeysCommand, type StatusType, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { AccessKeyState } from './pre-state';

/** Every access key of an IAM user with its status (a user has at most two; the listing is paged anyway). */
export async function listAccessKeys(clients: AwsClients, userName: string): Promise<AccessKeyState[]> {
  const keys: AccessKeyState[] = [];
  let marker: string | undefined;
  do {
    const page = await aws(`iam:ListAccessKeys ${userName}`, () =>
      clients.iam.send(
        new ListAccessKeysCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
      ),
    );
    for (const key of page.AccessKeyMetadata ?? []) {
      if (key.AccessKeyId) keys.push({ accessKeyId: key.AccessKeyId, status: key.Status ?? 'Unknown' });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return keys.sort((a, b) => a.accessKeyId.localeCompare(b.accessKeyId));
}

export async function setAccessKeyStatus(
  clients: AwsClients,
  userName: string,
  accessKeyId: string,
  status: StatusType,
): Promise<void> {
  await aws(`iam:UpdateAccessKey ${userName}/${accessKeyId} ${status}`, () =>
    clients.iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
    ),
  );
}

/** Differences between the recorded keys and the keys now (keys created since are not Airlock's to judge). */
export function diffAccessKeys(userName: string, before: AccessKeyState[], now: AccessKeyState[]): string[] {
  return before.flatMap((key) => {
    const current = now.find((k) => k.accessKeyId === key.accessKeyId);
    if (!current)
      return [`access key ${key.accessKeyId} of ${userName} no longer exists (was ${key.status})`];
    return current.status === key.status
      ? []
      : [`access key ${key.accessKeyId} of ${userName} is ${current.status}, was ${key.status}`];
  });
}
