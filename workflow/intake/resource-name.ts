import type { ResourceRef } from './types';

/** The resource a finding is about, in one short line: the instance, the access key, the bucket(s). */
export function resourceName(resource: ResourceRef): string {
  switch (resource.kind) {
    case 'ec2-instance':
      return resource.instanceId ?? 'unknown instance';
    case 'iam-access-key':
      return resource.accessKeyId ?? resource.principalName ?? 'unknown access key';
    case 's3-bucket':
      return resource.bucketNames?.join(', ') || 'unknown bucket';
    default:
      return resource.rawType;
  }
}
