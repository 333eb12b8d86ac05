import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TicketSettings } from '../../workflow/ticket-sinks/settings';
import { acknowledge } from './nag';

/**
 * The ticket sink's deployment: its settings for the functions that open and update tickets (`TICKETS`), and,
 * for a sink with credentials (Jira), one secret created EMPTY (the operator puts `{"email", "apiToken"}`),
 * readable by exactly those functions.
 */
export class TicketIntegration extends Construct {
  readonly secret?: secretsmanager.Secret;
  readonly environment: Record<string, string>;

  /**
   * `slackWorkspaceUrl` is the stack's one workspace setting (pages link the thread with it too); a Jira sink without
   * its own `slackWorkspaceUrl` links the thread with it.
   */
  constructor(
    scope: Construct,
    id: string,
    props: { settings: TicketSettings; slackWorkspaceUrl?: string | undefined },
  ) {
    super(scope, id);
    const settings: TicketSettings =
      props.settings.sink === 'jira' && !props.settings.jira.slackWorkspaceUrl && props.slackWorkspaceUrl
        ? { ...props.settings, jira: { ...props.settings.jira, slackWorkspaceUrl: props.slackWorkspaceUrl } }
        : props.settings;
    if (settings.sink === 'jira') {
      this.secret = new secretsmanager.Secret(this, 'Secret', {
        description: 'Airlock Jira Cloud tickets: {"email": "...", "apiToken": "..."} (put after deploy)',
      });
      (this.secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
        'GenerateSecretString',
      );
      acknowledge(this.secret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'The API token is issued by Atlassian, not by AWS: rotation means creating a new token and running put-secret-value (docs/DEPLOY.md, Tickets)',
        },
      ]);
      new CfnOutput(scope, 'TicketSecretArn', {
        description:
          'aws secretsmanager put-secret-value --secret-id <this> (docs/DEPLOY.md, Tickets (Jira Cloud))',
        value: this.secret.secretArn,
      });
    }
    this.environment = {
      TICKETS: JSON.stringify(settings),
      ...(this.secret ? { TICKET_SECRET_ARN: this.secret.secretArn } : {}),
    };
  }

  /** secretsmanager:GetSecretValue on exactly the ticket secret (nothing when the sink has none). */
  grantRead(role: iam.IRole): void {
    if (!this.secret) return;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTicketSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secret.secretArn],
      }),
    );
  }
}
