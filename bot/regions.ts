/**
 * The regions of each AWS partition (as of 2026), for `/ir isolate … region …` when no allowedRegions are
 * configured: a made-up region is refused before anything is called. A region AWS opens later is accepted once
 * it is listed here or in the deployment's allowedRegions.
 */
const PARTITION_REGIONS: Record<'aws' | 'aws-cn' | 'aws-us-gov', readonly string[]> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/** The partition of a region, from its name. */
export function partitionOf(region: string): keyof typeof PARTITION_REGIONS {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Regions Airlock may act in: the configured allowedRegions, else every region of the home region's partition. */
export function regionAllowed(
  region: string,
  homeRegion: string,
  allowedRegions: readonly string[] = [],
): boolean {
  if (allowedRegions.length > 0) return allowedRegions.includes(region);
  return PARTITION_REGIONS[partitionOf(homeRegion)].includes(region);
}
