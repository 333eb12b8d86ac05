import { notBundled } from './not-bundled';

/** `@slack/oauth` in a Lambda bundle: Bolt's HTTP and Socket Mode receivers construct it for OAuth installs only. */
export class InstallProvider {
  constructor() {
    notBundled('@slack/oauth', 'InstallProvider');
  }
}
