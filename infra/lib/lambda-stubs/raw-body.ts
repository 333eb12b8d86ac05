import { notBundled } from './not-bundled';

/**
 * `raw-body` in a Lambda bundle (and with it iconv-lite): Bolt reads node:http request bodies with it (HTTPReceiver,
 * ExpressReceiver); AwsLambdaReceiver gets the body from the API Gateway event.
 */
export default function rawBody(): never {
  return notBundled('raw-body', 'reading a node:http request body');
}
