import type { HandlerTable } from './common';
import { ec2InstanceHandlers } from './ec2-instances';
import { ec2NetworkAclHandlers } from './ec2-nacl';
import { ec2NetworkHandlers } from './ec2-network';
import { ec2SnapshotSharingHandlers } from './ec2-snapshot-sharing';
import { ec2StorageHandlers } from './ec2-storage';

/** Every EC2 operation the simulator answers. */
export const ec2Handlers: HandlerTable = {
  ...ec2InstanceHandlers,
  ...ec2NetworkHandlers,
  ...ec2NetworkAclHandlers,
  ...ec2StorageHandlers,
  ...ec2SnapshotSharingHandlers,
};
