/**
 * The instance types the simulator knows (DescribeInstanceTypes answers from this table; an unknown type is
 * InvalidInstanceType, as in EC2). `hypervisor` decides what EC2 allows: GetConsoleOutput `Latest: true` is
 * Nitro-only. `instanceStore` lists the type's instance store disks (none for EBS-only types).
 */
export interface SimInstanceType {
  hypervisor: 'nitro' | 'xen';
  vcpus: number;
  memoryMiB: number;
  instanceStore?: { count: number; sizeGb: number; type: 'ssd' | 'hdd'; nvme: boolean };
}

export const INSTANCE_TYPES: Record<string, SimInstanceType> = {
  't2.micro': { hypervisor: 'xen', vcpus: 1, memoryMiB: 1024 },
  't2.medium': { hypervisor: 'xen', vcpus: 2, memoryMiB: 4096 },
  't3.micro': { hypervisor: 'nitro', vcpus: 2, memoryMiB: 1024 },
  't3.medium': { hypervisor: 'nitro', vcpus: 2, memoryMiB: 4096 },
  'm4.large': { hypervisor: 'xen', vcpus: 2, memoryMiB: 8192 },
  'm5.large': { hypervisor: 'nitro', vcpus: 2, memoryMiB: 8192 },
  'm5.xlarge': { hypervisor: 'nitro', vcpus: 4, memoryMiB: 16384 },
  'm5d.large': {
    hypervisor: 'nitro',
    vcpus: 2,
    memoryMiB: 8192,
    instanceStore: { count: 1, sizeGb: 75, type: 'ssd', nvme: true },
  },
  'c4.large': { hypervisor: 'xen', vcpus: 2, memoryMiB: 3840 },
  'c5.large': { hypervisor: 'nitro', vcpus: 2, memoryMiB: 4096 },
  'c5.xlarge': { hypervisor: 'nitro', vcpus: 4, memoryMiB: 8192 },
  'i3.large': {
    hypervisor: 'xen',
    vcpus: 2,
    memoryMiB: 15616,
    instanceStore: { count: 1, sizeGb: 475, type: 'ssd', nvme: true },
  },
};
