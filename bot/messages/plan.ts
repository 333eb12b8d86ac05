import type { KnownBlock } from '@slack/web-api';
import type { ContainmentPlan } from '../../workflow/domain/plan';
import { context, escapeMrkdwn, linesToSections, message, type SlackMessage, section } from './blocks';

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

/** `/ir isolate … --plan`: exactly what containment would change, computed read-only. Nothing is changed. */
export function planMessage(plan: ContainmentPlan): SlackMessage {
  const lines: string[] = [];
  lines.push('*Network* (per ENI: allow-all first to untrack flows, then the isolation group):');
  if (plan.networkInterfaces.length === 0) lines.push('• no network interfaces found');
  for (const eni of plan.networkInterfaces) {
    const from = eni.from.length ? eni.from.map(code).join(', ') : '_none_';
    lines.push(`• ${code(eni.networkInterfaceId)} (${code(eni.vpcId)}): ${from} → ${code(eni.to)}`);
  }
  lines.push('*Snapshots*:');
  if (plan.volumesToSnapshot.length === 0) lines.push('• no EBS volumes');
  for (const v of plan.volumesToSnapshot) {
    lines.push(
      `• ${code(v.volumeId)} at ${code(v.deviceName)}${v.sizeGiB !== undefined ? `, ${v.sizeGiB} GiB` : ''}`,
    );
  }
  lines.push('*Credentials*:');
  if (plan.credentials) {
    const c = plan.credentials;
    lines.push(
      `• instance profile ${c.fromProfileArn ? code(c.fromProfileArn) : '_none_'} → ${code(c.toProfileName)}` +
        (c.roleName ? `; deny policy ${code(c.denyPolicyName)} on role ${code(c.roleName)}` : ''),
    );
    if (c.sharedWithInstances.length) {
      lines.push(`• the role is shared with ${c.sharedWithInstances.map(code).join(', ')}`);
    }
  } else {
    lines.push('• no instance profile: nothing to revoke');
  }
  lines.push('*Evidence protection*:');
  lines.push(
    `• termination protection ${plan.terminationProtection.from ? 'already on' : 'off → on'}; shutdown behaviour ${code(plan.shutdownBehavior.from)} → ${code('stop')}`,
  );
  lines.push(
    `• Auto Scaling group: ${plan.autoScalingGroup ? `detach from ${code(plan.autoScalingGroup)}` : 'none'}`,
  );
  lines.push(
    `• target groups: ${plan.targetGroups.length ? plan.targetGroups.map((t) => `deregister from ${code(t.targetGroupArn)}${t.port ? `:${t.port}` : ''}`).join(', ') : 'none'}`,
  );
  lines.push(
    `• Elastic IPs: ${plan.elasticIps.length ? `disassociate ${plan.elasticIps.map(code).join(', ')}` : 'none'}`,
  );
  lines.push(
    `• SSM managed: ${plan.ssmManaged ? 'yes, volatile evidence is captured first' : 'no, volatile capture is skipped'}`,
  );
  const blocks: KnownBlock[] = [
    section(
      `:clipboard: *Plan for ${code(plan.instanceId)}* in ${plan.accountId} / ${plan.region}: nothing has been changed`,
    ),
    ...linesToSections(lines, 40),
  ];
  if (plan.warnings.length) {
    blocks.push(
      ...linesToSections([':warning: *Warnings*:', ...plan.warnings.map((w) => `• ${escapeMrkdwn(w)}`)], 5),
    );
  }
  blocks.push(context([`Run \`/ir isolate ${plan.instanceId}\` without --plan to contain it.`]));
  return message(`Plan for ${plan.instanceId} (${plan.accountId} / ${plan.region}): nothing changed`, blocks);
}
