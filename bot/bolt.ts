/**
 * The Bolt pieces the bot's Lambda uses, each from its own module. `@slack/bolt`'s index loads every receiver
 * (Express, Socket Mode, HTTP, OAuth) and with them express, ws/undici, jsonwebtoken and raw-body/iconv-lite:
 * ~1.4 MB of bundle the Lambda never runs. Types keep coming from `@slack/bolt` (erased at build time).
 * App.js itself still requires HTTPReceiver and SocketModeReceiver (its defaults when no receiver is given);
 * the bundling stubs their packages (infra/lib/bundling.ts).
 */
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';

export { LogLevel } from '@slack/bolt/dist/App';
export { App, AwsLambdaReceiver };
