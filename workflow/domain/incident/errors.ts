import { AirlockError } from '../../errors';

/** Security Hub did not apply BatchUpdateFindings to the finding (UnprocessedFindings); the message says why. */
export class SecurityHubUpdateError extends AirlockError {}
