import { notBundled } from './not-bundled';

/** `@slack/socket-mode` in a Lambda bundle (and with it ws and undici): only Bolt's SocketModeReceiver uses it. */
export class SocketModeClient {
  constructor() {
    notBundled('@slack/socket-mode', 'SocketModeClient');
  }
}
