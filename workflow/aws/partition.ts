/**
 * The AWS partition a region belongs to, for building ARNs (never hard-code `arn:aws`). Commercial regions are
 * `aws`; GovCloud (`us-gov-*`) is `aws-us-gov`; China (`cn-*`) is `aws-cn`; the isolated regions have their own.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}
