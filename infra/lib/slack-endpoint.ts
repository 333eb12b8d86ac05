import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackEndpointProps {
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The Slack request URL: an HTTP API with one route, POST /slack/events (slash commands, interactivity and events
 * all use it), throttled at the stage, with JSON access logs. There is no API Gateway authorizer: Slack signs each
 * request (`X-Slack-Signature`, HMAC-SHA256 with the signing secret), and the bot function verifies the signature
 * and the timestamp on the raw body before any listener runs (Bolt's AwsLambdaReceiver, bot/lambda.ts).
 */
export class SlackEndpoint extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly url: string;

  constructor(scope: Construct, id: string, props: SlackEndpointProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Airlock Slack endpoint (request signature verified in the function)',
      createDefaultStage: false,
    });
    this.api.addRoutes({
      path: SLACK_EVENTS_PATH,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Bot', props.handler, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigw.AccessLogField.contextRequestId(),
            ip: apigw.AccessLogField.contextIdentitySourceIp(),
            requestTime: apigw.AccessLogField.contextRequestTime(),
            method: apigw.AccessLogField.contextHttpMethod(),
            path: apigw.AccessLogField.contextPath(),
            status: apigw.AccessLogField.contextStatus(),
            latency: apigw.AccessLogField.contextResponseLatency(),
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = `${this.api.apiEndpoint}${SLACK_EVENTS_PATH}`;
    acknowledge(this.api, [
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Slack cannot send IAM/JWT credentials; every request is authenticated by its Slack signature (HMAC-SHA256 of the raw body, 5-minute timestamp window), verified in the bot function before any listener runs',
      },
    ]);
  }
}
