import type {
  Command,
  DescribeInstanceInformationCommandInput,
  DescribeInstanceInformationCommandOutput,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  ListCommandInvocationsCommandInput,
  ListCommandInvocationsCommandOutput,
  ListCommandsCommandInput,
  ListCommandsCommandOutput,
  SendCommandCommandInput,
  SendCommandCommandOutput,
} from '@aws-sdk/client-ssm';
import type { AwsTarget } from '../../../workflow/aws/clients';
import { storeObject } from '../build';
import type { SimCommand, SimInvocation, SimModel } from '../model';
import { allowsTcpPort } from '../sg-rules';
import { simulateShell } from '../shell';
import { copy, type HandlerTable, type OpContext, op, toDate } from './common';

const DOCUMENTS: Record<string, { plugin: string; folder: string }> = {
  'AWS-RunShellScript': { plugin: 'aws:runShellScript', folder: 'awsrunShellScript' },
  'AWS-RunPowerShellScript': { plugin: 'aws:runPowerShellScript', folder: 'awsrunPowerShellScript' },
};
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
const ENDPOINT_SERVICE = /\.(ssm|ssmmessages|ec2messages)$/;

/**
 * Can the SSM agent reach the service? It needs HTTPS out: a security group on one of the instance's ENIs must
 * allow TCP 443 to 0.0.0.0/0 (internet or NAT), or to the VPC's SSM interface endpoints (by their security group,
 * or by a VPC CIDR when the VPC has them). A stopped instance's agent is not running. (PLATFORM-FACTS: SSM needs
 * network; a no-egress isolation group cuts Run Command.)
 */
export function agentReachable(model: SimModel, target: AwsTarget, instanceId: string): boolean {
  if (!model.ssmNeedsNetwork) return true;
  const ec2 = model.ec2(target);
  const instance = ec2.instances[instanceId];
  if (!instance) return true; // a hybrid (non-EC2) managed node
  if (instance.state !== 'running') return false;
  const endpoints = Object.values(ec2.vpcEndpoints).filter(
    (e) => e.vpcId === instance.vpcId && e.type === 'Interface' && ENDPOINT_SERVICE.test(e.serviceName),
  );
  const endpointGroups = new Set(endpoints.flatMap((e) => e.groupIds));
  return instance.networkInterfaceIds.some((eniId) =>
    (ec2.networkInterfaces[eniId]?.groupIds ?? []).some((groupId) =>
      (ec2.securityGroups[groupId]?.egress ?? []).some((rule) => {
        if (!allowsTcpPort(rule, 443)) return false;
        if (rule.cidrIpv4 === '0.0.0.0/0' || rule.cidrIpv6 === '::/0') return true;
        if (rule.groupId) return endpointGroups.has(rule.groupId);
        return rule.cidrIpv4 !== undefined && endpoints.length > 0;
      }),
    ),
  );
}

function pingStatus(ctx: OpContext, instanceId: string): string {
  const managed = ctx.model.region(ctx.target).ssm.managedInstances[instanceId];
  if (!managed) return 'Unknown';
  if (managed.pingStatus === 'Online' && !agentReachable(ctx.model, ctx.target, instanceId))
    return 'ConnectionLost';
  return managed.pingStatus;
}

function finish(ctx: OpContext, command: SimCommand, invocation: SimInvocation): void {
  invocation.status = invocation.behaviour.finalStatus;
  const found = ctx.model.findInstance(invocation.instanceId);
  const eni = found
    ? ctx.model.ec2(found.target).networkInterfaces[found.instance.networkInterfaceIds[0] ?? '']
    : undefined;
  invocation.stdout =
    invocation.status === 'Success' || invocation.status === 'Failed'
      ? simulateShell(command.parameters.commands ?? command.parameters.Commands ?? [], {
          instanceId: invocation.instanceId,
          privateIp: eni?.privateIpAddress ?? '10.0.0.1',
          now: ctx.model.iso(),
        })
      : '';
  const bucket = command.outputS3BucketName ? ctx.model.state.buckets[command.outputS3BucketName] : undefined;
  if (bucket && invocation.stdout) {
    const folder = DOCUMENTS[command.documentName]?.folder ?? 'aws';
    const prefix = command.outputS3KeyPrefix ? `${command.outputS3KeyPrefix.replace(/\/$/, '')}/` : '';
    const key = `${prefix}${command.commandId}/${invocation.instanceId}/${folder}/0.${folder}/stdout`;
    storeObject(ctx.model, bucket, key, new TextEncoder().encode(invocation.stdout));
    invocation.outputUrl = `https://s3.${bucket.region}.amazonaws.com/${bucket.name}/${key}`;
  }
}

/** One poll of an invocation: delivery, then running, then the final status (see SsmBehaviour). */
function advance(ctx: OpContext, command: SimCommand, invocation: SimInvocation): void {
  if (TERMINAL.has(invocation.status)) return;
  if (!agentReachable(ctx.model, ctx.target, invocation.instanceId)) return;
  invocation.polls += 1;
  const { deliveryPolls, runningPolls } = invocation.behaviour;
  if (invocation.polls <= deliveryPolls) return;
  if (invocation.polls <= deliveryPolls + runningPolls) {
    invocation.status = 'InProgress';
    return;
  }
  finish(ctx, command, invocation);
}

function commandStatus(command: SimCommand): Command['Status'] {
  const statuses = Object.values(command.invocations).map((i) => i.status);
  if (statuses.every((s) => TERMINAL.has(s))) {
    if (statuses.every((s) => s === 'Success')) return 'Success';
    if (statuses.includes('Failed')) return 'Failed';
    if (statuses.includes('TimedOut')) return 'TimedOut';
    return 'Cancelled';
  }
  return statuses.some((s) => s !== 'Pending') ? 'InProgress' : 'Pending';
}

function renderCommand(command: SimCommand): Command {
  const invocations = Object.values(command.invocations);
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: command.comment,
    Parameters: copy(command.parameters),
    InstanceIds: [...command.instanceIds],
    Targets: [],
    RequestedDateTime: toDate(command.requestedDateTime),
    Status: commandStatus(command),
    StatusDetails: commandStatus(command),
    ...(command.outputS3BucketName ? { OutputS3BucketName: command.outputS3BucketName } : {}),
    ...(command.outputS3KeyPrefix ? { OutputS3KeyPrefix: command.outputS3KeyPrefix } : {}),
    ...(command.timeoutSeconds ? { TimeoutSeconds: command.timeoutSeconds } : {}),
    TargetCount: invocations.length,
    CompletedCount: invocations.filter((i) => TERMINAL.has(i.status)).length,
    ErrorCount: invocations.filter((i) => i.status === 'Failed').length,
    DeliveryTimedOutCount: 0,
    MaxConcurrency: '50',
    MaxErrors: '0',
  };
}

function getCommand(ctx: OpContext, commandId: string | undefined): SimCommand | undefined {
  return commandId ? ctx.model.region(ctx.target).ssm.commands[commandId] : undefined;
}

export const ssmHandlers: HandlerTable = {
  DescribeInstanceInformation: op<
    DescribeInstanceInformationCommandInput,
    DescribeInstanceInformationCommandOutput
  >((ctx, input) => {
    let managed = Object.values(ctx.model.region(ctx.target).ssm.managedInstances);
    const filters = [
      ...(input.Filters ?? []).map((f) => ({ key: f.Key ?? '', values: f.Values ?? [] })),
      ...(input.InstanceInformationFilterList ?? []).map((f) => ({
        key: f.key ?? '',
        values: f.valueSet ?? [],
      })),
    ];
    for (const { key, values } of filters) {
      if (key === 'InstanceIds') managed = managed.filter((m) => values.includes(m.instanceId));
      else if (key === 'PingStatus')
        managed = managed.filter((m) => values.includes(pingStatus(ctx, m.instanceId)));
      else if (key === 'PlatformTypes') managed = managed.filter((m) => values.includes(m.platformType));
      else throw ctx.error('InvalidInstanceInformationFilterValue', `The filter key ${key} is not supported`);
    }
    return {
      InstanceInformationList: managed.map((m) => {
        const found = ctx.model.findInstance(m.instanceId);
        const ip = found ? found.instance.privateIpAddress : undefined;
        return {
          InstanceId: m.instanceId,
          PingStatus: pingStatus(ctx, m.instanceId) as 'Online',
          LastPingDateTime: toDate(m.lastPingDateTime),
          AgentVersion: m.agentVersion,
          IsLatestVersion: true,
          PlatformType: m.platformType,
          PlatformName: m.platformName,
          PlatformVersion: m.platformVersion,
          ResourceType: 'EC2Instance',
          ...(ip ? { IPAddress: ip, ComputerName: `ip-${ip.replaceAll('.', '-')}.ec2.internal` } : {}),
        };
      }),
    };
  }),

  SendCommand: op<SendCommandCommandInput, SendCommandCommandOutput>((ctx, input) => {
    const ssm = ctx.model.region(ctx.target).ssm;
    const document = input.DocumentName ? DOCUMENTS[input.DocumentName] : undefined;
    if (!document)
      throw ctx.error('InvalidDocument', `Document ${input.DocumentName} does not exist in your account`);
    const fromTargets = (input.Targets ?? [])
      .filter((t) => t.Key === 'InstanceIds')
      .flatMap((t) => t.Values ?? []);
    const instanceIds = [...new Set([...(input.InstanceIds ?? []), ...fromTargets])];
    if (!instanceIds.length) throw ctx.error('InvalidInstanceId', 'No instance ids or targets given');
    if (instanceIds.length > 50) throw ctx.error('InvalidInstanceId', 'Too many instance ids (max 50)');
    const invalid = instanceIds.filter((id) => pingStatus(ctx, id) !== 'Online');
    if (invalid.length) {
      throw ctx.error(
        'InvalidInstanceId',
        `Instances [[${invalid.join(', ')}]] not in a valid state for account ${ctx.target.accountId}`,
      );
    }
    const parameters = copy(input.Parameters ?? {});
    if (!parameters.commands?.length)
      throw ctx.error('InvalidParameters', 'Parameter "commands" is required.');
    if ((input.Comment ?? '').length > 100)
      throw ctx.error('ValidationException', 'Comment must be at most 100 characters');
    const command: SimCommand = {
      commandId: ctx.model.ids.uuid('ssm-command'),
      documentName: input.DocumentName as string,
      comment: input.Comment ?? '',
      parameters,
      instanceIds,
      ...(input.TimeoutSeconds ? { timeoutSeconds: input.TimeoutSeconds } : {}),
      ...(input.OutputS3BucketName ? { outputS3BucketName: input.OutputS3BucketName } : {}),
      ...(input.OutputS3KeyPrefix ? { outputS3KeyPrefix: input.OutputS3KeyPrefix } : {}),
      requestedDateTime: ctx.model.iso(),
      invocations: {},
    };
    for (const instanceId of instanceIds) {
      const behaviour = ssm.managedInstances[instanceId]?.behaviour ?? ctx.model.ssmDefaults;
      command.invocations[instanceId] = {
        instanceId,
        polls: 0,
        behaviour: { ...behaviour },
        status: 'Pending',
        stdout: '',
      };
    }
    ssm.commands[command.commandId] = command;
    for (const invocation of Object.values(command.invocations)) {
      if (invocation.behaviour.deliveryPolls === 0 && invocation.behaviour.runningPolls === 0) {
        finish(ctx, command, invocation);
      }
    }
    return {
      Command: { ...renderCommand(command), Status: 'Pending', StatusDetails: 'Pending', CompletedCount: 0 },
    };
  }),

  GetCommandInvocation: op<GetCommandInvocationCommandInput, GetCommandInvocationCommandOutput>(
    (ctx, input) => {
      const command = getCommand(ctx, input.CommandId);
      const invocation = input.InstanceId ? command?.invocations[input.InstanceId] : undefined;
      if (!command || !invocation) {
        throw ctx.error(
          'InvocationDoesNotExist',
          'An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation',
        );
      }
      advance(ctx, command, invocation);
      if (invocation.status === 'Pending') {
        throw ctx.error(
          'InvocationDoesNotExist',
          'An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation',
        );
      }
      const document = DOCUMENTS[command.documentName];
      const terminal = TERMINAL.has(invocation.status);
      const responseCode = invocation.status === 'Success' ? 0 : invocation.status === 'Failed' ? 1 : -1;
      return {
        CommandId: command.commandId,
        InstanceId: invocation.instanceId,
        Comment: command.comment,
        DocumentName: command.documentName,
        DocumentVersion: '$DEFAULT',
        PluginName: input.PluginName ?? document?.plugin,
        ResponseCode: responseCode,
        Status: invocation.status,
        StatusDetails: invocation.status,
        ExecutionStartDateTime: command.requestedDateTime,
        ...(terminal ? { ExecutionEndDateTime: ctx.model.iso(), ExecutionElapsedTime: 'PT1.5S' } : {}),
        StandardOutputContent: invocation.stdout.slice(0, 24_000),
        StandardOutputUrl: invocation.outputUrl ?? '',
        StandardErrorContent: '',
        StandardErrorUrl: '',
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      };
    },
  ),

  ListCommands: op<ListCommandsCommandInput, ListCommandsCommandOutput>((ctx, input) => {
    const all = Object.values(ctx.model.region(ctx.target).ssm.commands);
    if (input.CommandId && !all.some((c) => c.commandId === input.CommandId)) {
      throw ctx.error('InvalidCommandId', `Command ${input.CommandId} does not exist`);
    }
    const commands = all
      .filter((c) => !input.CommandId || c.commandId === input.CommandId)
      .filter((c) => !input.InstanceId || c.instanceIds.includes(input.InstanceId))
      .reverse();
    return { Commands: commands.map(renderCommand) };
  }),

  ListCommandInvocations: op<ListCommandInvocationsCommandInput, ListCommandInvocationsCommandOutput>(
    (ctx, input) => {
      const commands = Object.values(ctx.model.region(ctx.target).ssm.commands)
        .filter((c) => !input.CommandId || c.commandId === input.CommandId)
        .reverse();
      return {
        CommandInvocations: commands.flatMap((c) =>
          Object.values(c.invocations)
            .filter((i) => !input.InstanceId || i.instanceId === input.InstanceId)
            .map((i) => ({
              CommandId: c.commandId,
              InstanceId: i.instanceId,
              Comment: c.comment,
              DocumentName: c.documentName,
              RequestedDateTime: toDate(c.requestedDateTime),
              Status: i.status,
              StatusDetails: i.status,
              StandardOutputUrl: i.outputUrl ?? '',
            })),
        ),
      };
    },
  ),
};
