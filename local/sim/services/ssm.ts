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
import type { SimCommand, SimInvocation, SimModel } from '../model';
import { evaluateNetworkAcl, networkAclOf } from '../network-acls';
import { checkPresignedPut } from '../presigned';
import { allowsTcpPort } from '../sg-rules';
import { runShell, type ShellPutResult } from '../shell';
import { copy, type HandlerTable, type OpContext, op, toDate } from './common';
import { writeObject } from './s3';

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
        if (rule.groupId) return endpointGroups.has(rule.groupId) && endpointsPassAcls(model, target, eniId);
        return rule.cidrIpv4 !== undefined && endpoints.length > 0 && endpointsPassAcls(model, target, eniId);
      }),
    ),
  );
}

/**
 * Whether the ENI's HTTPS reaches one of the VPC's SSM interface endpoints through the network ACLs: an endpoint
 * in the ENI's own subnet (no ACL between), or one whose subnet's ACL lets the ENI's packets in and the answers out.
 */
function endpointsPassAcls(model: SimModel, target: AwsTarget, eniId: string): boolean {
  const ec2 = model.ec2(target);
  const eni = ec2.networkInterfaces[eniId];
  if (!eni) return false;
  return Object.values(ec2.vpcEndpoints)
    .filter((e) => e.vpcId === eni.vpcId && e.type === 'Interface' && ENDPOINT_SERVICE.test(e.serviceName))
    .some((e) => !e.subnetIds.length || e.subnetIds.some((s) => s === eni.subnetId || aclPasses(s)));
  function aclPasses(subnetId: string): boolean {
    const acl = networkAclOf(model, target, subnetId);
    if (!acl || !eni) return true;
    const packet = { address: eni.privateIpAddress, protocol: 'tcp' as const };
    return (
      evaluateNetworkAcl(acl, { ...packet, egress: false, destinationPort: 443 }).action === 'allow' &&
      evaluateNetworkAcl(acl, { ...packet, egress: true, destinationPort: 49_152 }).action === 'allow'
    );
  }
}

/**
 * Can the instance reach S3 over HTTPS? A security group on one of its ENIs must allow TCP 443 out to 0.0.0.0/0,
 * or to the prefix list of the VPC's S3 gateway endpoint. A stopped instance reaches nothing.
 */
export function s3Reachable(model: SimModel, target: AwsTarget, instanceId: string): boolean {
  if (!model.ssmNeedsNetwork) return true;
  const ec2 = model.ec2(target);
  const instance = ec2.instances[instanceId];
  if (!instance) return true;
  if (instance.state !== 'running') return false;
  const s3Lists = new Set(
    Object.values(ec2.vpcEndpoints)
      .filter((e) => e.vpcId === instance.vpcId && e.type === 'Gateway' && /\.s3$/.test(e.serviceName))
      .flatMap((e) => (e.prefixListId ? [e.prefixListId] : [])),
  );
  return instance.networkInterfaceIds.some((eniId) =>
    (ec2.networkInterfaces[eniId]?.groupIds ?? []).some((groupId) =>
      (ec2.securityGroups[groupId]?.egress ?? []).some(
        (rule) =>
          allowsTcpPort(rule, 443) &&
          (rule.cidrIpv4 === '0.0.0.0/0' ||
            rule.cidrIpv6 === '::/0' ||
            (rule.prefixListId !== undefined && s3Lists.has(rule.prefixListId))),
      ),
    ),
  );
}

/** The role an instance's credentials belong to now (its instance profile's role), if it has one. */
export function instanceRoleArn(model: SimModel, instanceId: string): string | undefined {
  const found = model.findInstance(instanceId);
  const profileArn = found?.instance.iamInstanceProfile?.arn;
  if (!found || !profileArn) return undefined;
  const profileName = profileArn.split('/').pop() ?? '';
  const roleName = model.iam(found.target.accountId).instanceProfiles[profileName]?.roleNames[0];
  return roleName ? `arn:aws:iam::${found.target.accountId}:role/${roleName}` : undefined;
}

interface DocumentParameter {
  type?: string;
  default?: string;
  allowedPattern?: string;
}
interface CustomDocument {
  parameters: Record<string, DocumentParameter>;
  runCommand: string[];
}

/** A custom document of the account (schema 2.2, one aws:runShellScript step), if it exists. */
function customDocument(ctx: OpContext, name: string | undefined): CustomDocument | undefined {
  const stored = name ? ctx.model.region(ctx.target).ssm.documents?.[name] : undefined;
  if (!stored) return undefined;
  const content = JSON.parse(stored.content) as {
    parameters?: Record<string, DocumentParameter>;
    mainSteps?: { action?: string; inputs?: { runCommand?: string[] } }[];
  };
  const step = content.mainSteps?.find((m) => m.action === 'aws:runShellScript');
  return { parameters: content.parameters ?? {}, runCommand: step?.inputs?.runCommand ?? [] };
}

/** The script an invocation runs: the commands of AWS-RunShellScript, or the document's with {{ parameters }}. */
function scriptOf(ctx: OpContext, command: SimCommand): string[] {
  const custom = customDocument(ctx, command.documentName);
  if (!custom) return command.parameters.commands ?? command.parameters.Commands ?? [];
  const value = (name: string) =>
    command.parameters[name]?.[0] ?? custom.parameters[name]?.default ?? `{{ ${name} }}`;
  return custom.runCommand.map((line) =>
    line.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => value(name)),
  );
}

/** A PUT from the instance to a presigned URL: network first, then what S3 checks, then the write as the signer. */
function presignedPut(
  ctx: OpContext,
  instanceId: string,
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
): ShellPutResult {
  const found = ctx.model.findInstance(instanceId);
  if (found && !s3Reachable(ctx.model, found.target, instanceId)) {
    return { status: 0, curlExit: 28, message: 'Failed to connect: Connection timed out' };
  }
  const check = checkPresignedPut(ctx.model, url, headers, body);
  if (!check.ok || !check.bucket || !check.key || !check.principal) return { status: check.status };
  const bucket = ctx.model.state.buckets[check.bucket];
  if (!bucket) return { status: 404 };
  const ifNoneMatch = Object.entries(headers).find(([k]) => k.toLowerCase() === 'if-none-match')?.[1];
  const written = writeObject(ctx.model, {
    principal: check.principal,
    bucket,
    key: check.key,
    body,
    ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
  });
  return { status: written.ok ? 200 : written.status };
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
  const ran = invocation.status === 'Success' || invocation.status === 'Failed';
  const uploads: NonNullable<SimInvocation['uploads']> = [];
  const run = ran
    ? runShell(scriptOf(ctx, command), {
        instanceId: invocation.instanceId,
        privateIp: eni?.privateIpAddress ?? '10.0.0.1',
        now: ctx.model.iso(),
        put: (url, headers, body) => {
          const result = presignedPut(ctx, invocation.instanceId, url, headers, body);
          uploads.push({ url, status: result.status });
          return result;
        },
      })
    : undefined;
  invocation.stdout = run?.stdout ?? '';
  if (uploads.length) invocation.uploads = uploads;
  if (run && run.exitCode !== 0) invocation.status = 'Failed';
  const bucket = command.outputS3BucketName ? ctx.model.state.buckets[command.outputS3BucketName] : undefined;
  if (bucket && invocation.stdout) {
    const folder = DOCUMENTS[command.documentName]?.folder ?? 'aws';
    const prefix = command.outputS3KeyPrefix ? `${command.outputS3KeyPrefix.replace(/\/$/, '')}/` : '';
    const key = `${prefix}${command.commandId}/${invocation.instanceId}/${folder}/0.${folder}/stdout`;
    // The agent uploads with the instance's own credentials (its current role), not the caller's. A refused
    // upload leaves no object; the agent only logs AccessDenied and the command still reports its status.
    const role = instanceRoleArn(ctx.model, invocation.instanceId);
    if (role && (!found || s3Reachable(ctx.model, found.target, invocation.instanceId))) {
      writeObject(ctx.model, {
        principal: role,
        bucket,
        key,
        body: new TextEncoder().encode(invocation.stdout),
      });
    }
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
    const custom = document ? undefined : customDocument(ctx, input.DocumentName);
    if (!document && !custom)
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
    if (custom) {
      // Parameters are checked against the document: declared names only, every one without a default given,
      // each value matching its allowedPattern (SSM documents, parameters element).
      for (const [name, values] of Object.entries(parameters)) {
        const declared = custom.parameters[name];
        if (!declared)
          throw ctx.error('InvalidParameters', `Parameter "${name}" is not declared by the document.`);
        const pattern = declared.allowedPattern ? new RegExp(declared.allowedPattern) : undefined;
        if (values.length !== 1 || (pattern && !pattern.test(values[0] ?? '')))
          throw ctx.error('InvalidParameters', `Parameter "${name}" does not match its allowed pattern.`);
      }
      for (const [name, declared] of Object.entries(custom.parameters)) {
        if (declared.default === undefined && !parameters[name]?.length)
          throw ctx.error('InvalidParameters', `Parameter "${name}" is required.`);
      }
    } else if (!parameters.commands?.length)
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
      const document = DOCUMENTS[command.documentName] ?? { plugin: 'capture' };
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
