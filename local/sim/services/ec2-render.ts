import type {
  Address,
  GroupIdentifier,
  Instance,
  InstanceNetworkInterface,
  NetworkInterface,
  SecurityGroup,
  Snapshot,
  Volume,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type {
  SimAddress,
  SimEc2,
  SimInstance,
  SimNetworkInterface,
  SimSecurityGroup,
  SimSnapshot,
  SimVolume,
  SimVpcEndpoint,
} from '../model';
import { toIpPermissions } from '../sg-rules';
import { tagList, toDate } from './common';

/** Model records → the SDK's EC2 output shapes (PascalCase, Dates, tag lists). */

const STATE_CODES: Record<SimInstance['state'], number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function groupIdentifiers(ec2: SimEc2, groupIds: string[]): GroupIdentifier[] {
  return groupIds.map((GroupId) => ({
    GroupId,
    GroupName: ec2.securityGroups[GroupId]?.groupName ?? GroupId,
  }));
}

function publicDns(ip: string, region: string): string {
  return `ec2-${ip.replaceAll('.', '-')}.${region === 'us-east-1' ? 'compute-1' : `${region}.compute`}.amazonaws.com`;
}

function eniAssociation(eni: SimNetworkInterface, region: string) {
  if (!eni.association) return undefined;
  return {
    PublicIp: eni.association.publicIp,
    IpOwnerId: eni.association.ipOwnerId,
    PublicDnsName: publicDns(eni.association.publicIp, region),
  };
}

function connectionTracking(eni: SimNetworkInterface) {
  const t = eni.connectionTracking;
  if (!t) return {};
  return {
    ConnectionTrackingConfiguration: {
      TcpEstablishedTimeout: t.tcpEstablishedTimeout,
      UdpStreamTimeout: t.udpStreamTimeout,
      UdpTimeout: t.udpTimeout,
    },
  };
}

export function renderInstanceEni(
  ec2: SimEc2,
  eni: SimNetworkInterface,
  ownerId: string,
  region: string,
): InstanceNetworkInterface {
  const association = eniAssociation(eni, region);
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    Description: eni.description,
    OwnerId: ownerId,
    Status: eni.status,
    MacAddress: eni.macAddress,
    PrivateIpAddress: eni.privateIpAddress,
    PrivateIpAddresses: [
      {
        Primary: true,
        PrivateIpAddress: eni.privateIpAddress,
        ...(association ? { Association: association } : {}),
      },
    ],
    SourceDestCheck: eni.sourceDestCheck,
    Groups: groupIdentifiers(ec2, eni.groupIds),
    InterfaceType: 'interface',
    Ipv6Addresses: [],
    ...(association ? { Association: association } : {}),
    ...connectionTracking(eni),
    ...(eni.attachment
      ? {
          Attachment: {
            AttachmentId: eni.attachment.attachmentId,
            DeviceIndex: eni.attachment.deviceIndex,
            NetworkCardIndex: 0,
            Status: 'attached',
            AttachTime: toDate(eni.attachment.attachTime),
            DeleteOnTermination: eni.attachment.deleteOnTermination,
          },
        }
      : {}),
  };
}

export function renderInstance(
  ec2: SimEc2,
  instance: SimInstance,
  ownerId: string,
  region: string,
): Instance {
  const enis = instance.networkInterfaceIds
    .map((id) => ec2.networkInterfaces[id])
    .filter((e): e is SimNetworkInterface => e !== undefined);
  const primary = enis[0];
  const publicIp = primary?.association?.publicIp;
  const terminated = instance.state === 'terminated';
  return {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType as Instance['InstanceType'],
    ...(instance.instanceLifecycle ? { InstanceLifecycle: instance.instanceLifecycle } : {}),
    State: { Code: STATE_CODES[instance.state], Name: instance.state },
    LaunchTime: toDate(instance.launchTime),
    Placement: { AvailabilityZone: instance.availabilityZone, Tenancy: 'default', GroupName: '' },
    Monitoring: { State: 'disabled' },
    Architecture: 'x86_64',
    Hypervisor: 'xen',
    VirtualizationType: 'hvm',
    EnaSupport: true,
    EbsOptimized: false,
    RootDeviceType: 'ebs',
    RootDeviceName: instance.rootDeviceName,
    PlatformDetails: instance.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
    // The wire value is lowercase (the SDK's enum says 'Windows').
    ...(instance.platform === 'windows' ? { Platform: 'windows' as Instance['Platform'] } : {}),
    ...(terminated
      ? {}
      : {
          VpcId: instance.vpcId,
          SubnetId: instance.subnetId,
          PrivateIpAddress: instance.privateIpAddress,
          PrivateDnsName: `ip-${instance.privateIpAddress.replaceAll('.', '-')}.ec2.internal`,
          SourceDestCheck: primary?.sourceDestCheck ?? true,
        }),
    ...(publicIp
      ? { PublicIpAddress: publicIp, PublicDnsName: publicDns(publicIp, region) }
      : { PublicDnsName: '' }),
    BlockDeviceMappings: instance.blockDeviceMappings.map((b) => ({
      DeviceName: b.deviceName,
      Ebs: {
        VolumeId: b.volumeId,
        Status: 'attached',
        AttachTime: toDate(b.attachTime),
        DeleteOnTermination: b.deleteOnTermination,
      },
    })),
    ...(instance.iamInstanceProfile
      ? { IamInstanceProfile: { Arn: instance.iamInstanceProfile.arn, Id: instance.iamInstanceProfile.id } }
      : {}),
    NetworkInterfaces: enis.map((eni) => renderInstanceEni(ec2, eni, ownerId, region)),
    SecurityGroups: groupIdentifiers(ec2, primary?.groupIds ?? []),
    ...(Object.keys(instance.tags).length ? { Tags: tagList(instance.tags) } : {}),
  };
}

export function renderNetworkInterface(
  ec2: SimEc2,
  eni: SimNetworkInterface,
  ownerId: string,
  region: string,
): NetworkInterface {
  const association = eni.association
    ? {
        PublicIp: eni.association.publicIp,
        IpOwnerId: eni.association.ipOwnerId,
        PublicDnsName: publicDns(eni.association.publicIp, region),
        ...(eni.association.allocationId ? { AllocationId: eni.association.allocationId } : {}),
        ...(eni.association.associationId ? { AssociationId: eni.association.associationId } : {}),
      }
    : undefined;
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    AvailabilityZone: eni.availabilityZone,
    Description: eni.description,
    Groups: groupIdentifiers(ec2, eni.groupIds),
    InterfaceType: 'interface',
    MacAddress: eni.macAddress,
    OwnerId: ownerId,
    PrivateIpAddress: eni.privateIpAddress,
    PrivateIpAddresses: [
      {
        Primary: true,
        PrivateIpAddress: eni.privateIpAddress,
        ...(association ? { Association: association } : {}),
      },
    ],
    Ipv6Addresses: [],
    RequesterManaged: false,
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    TagSet: tagList(eni.tags),
    ...(association ? { Association: association } : {}),
    ...connectionTracking(eni),
    ...(eni.attachment
      ? {
          Attachment: {
            AttachmentId: eni.attachment.attachmentId,
            DeviceIndex: eni.attachment.deviceIndex,
            NetworkCardIndex: 0,
            InstanceId: eni.attachment.instanceId,
            InstanceOwnerId: ownerId,
            Status: 'attached',
            AttachTime: toDate(eni.attachment.attachTime),
            DeleteOnTermination: eni.attachment.deleteOnTermination,
          },
        }
      : {}),
  };
}

export function renderSecurityGroup(group: SimSecurityGroup, region: string): SecurityGroup {
  return {
    GroupId: group.groupId,
    GroupName: group.groupName,
    Description: group.description,
    VpcId: group.vpcId,
    OwnerId: group.ownerId,
    SecurityGroupArn: `arn:aws:ec2:${region}:${group.ownerId}:security-group/${group.groupId}`,
    IpPermissions: toIpPermissions(group.ingress, group.ownerId),
    IpPermissionsEgress: toIpPermissions(group.egress, group.ownerId),
    ...(Object.keys(group.tags).length ? { Tags: tagList(group.tags) } : {}),
  };
}

export function renderVolume(ec2: SimEc2, volume: SimVolume): Volume {
  const instance = volume.attachedTo ? ec2.instances[volume.attachedTo] : undefined;
  const mapping = instance?.blockDeviceMappings.find((b) => b.volumeId === volume.volumeId);
  return {
    VolumeId: volume.volumeId,
    Size: volume.size,
    VolumeType: volume.volumeType as Volume['VolumeType'],
    AvailabilityZone: volume.availabilityZone,
    Encrypted: volume.encrypted,
    CreateTime: toDate(volume.createTime),
    State: mapping ? 'in-use' : 'available',
    SnapshotId: '',
    Iops: 3000,
    MultiAttachEnabled: false,
    Attachments:
      instance && mapping
        ? [
            {
              VolumeId: volume.volumeId,
              InstanceId: instance.instanceId,
              Device: mapping.deviceName,
              State: 'attached',
              AttachTime: toDate(mapping.attachTime),
              DeleteOnTermination: mapping.deleteOnTermination,
            },
          ]
        : [],
    ...(Object.keys(volume.tags).length ? { Tags: tagList(volume.tags) } : {}),
  };
}

export function renderSnapshot(snapshot: SimSnapshot): Snapshot {
  return {
    SnapshotId: snapshot.snapshotId,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.volumeSize,
    State: snapshot.state,
    Progress: snapshot.state === 'completed' ? '100%' : '0%',
    StartTime: toDate(snapshot.startTime),
    OwnerId: snapshot.ownerId,
    Description: snapshot.description,
    Encrypted: snapshot.encrypted,
    StorageTier: 'standard',
    ...(Object.keys(snapshot.tags).length ? { Tags: tagList(snapshot.tags) } : {}),
  };
}

export function renderAddress(address: SimAddress, ownerId: string, region: string): Address {
  return {
    AllocationId: address.allocationId,
    PublicIp: address.publicIp,
    Domain: address.domain,
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: region,
    ...(address.associationId ? { AssociationId: address.associationId } : {}),
    ...(address.instanceId ? { InstanceId: address.instanceId } : {}),
    ...(address.networkInterfaceId
      ? { NetworkInterfaceId: address.networkInterfaceId, NetworkInterfaceOwnerId: ownerId }
      : {}),
    ...(address.privateIpAddress ? { PrivateIpAddress: address.privateIpAddress } : {}),
    ...(Object.keys(address.tags).length ? { Tags: tagList(address.tags) } : {}),
  };
}

export function renderVpcEndpoint(ec2: SimEc2, endpoint: SimVpcEndpoint, ownerId: string): VpcEndpoint {
  return {
    VpcEndpointId: endpoint.vpcEndpointId,
    VpcEndpointType: endpoint.type,
    VpcId: endpoint.vpcId,
    ServiceName: endpoint.serviceName,
    // The wire value is lowercase (the SDK's enum says 'Available').
    State: 'available' as VpcEndpoint['State'],
    RouteTableIds: [...endpoint.routeTableIds],
    SubnetIds: [...endpoint.subnetIds],
    Groups: groupIdentifiers(ec2, endpoint.groupIds),
    PrivateDnsEnabled: endpoint.privateDnsEnabled,
    RequesterManaged: false,
    NetworkInterfaceIds: [],
    OwnerId: ownerId,
    Tags: tagList(endpoint.tags),
  };
}
