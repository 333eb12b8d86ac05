import { AirlockError } from '../../errors';

/**
 * Adding an inline policy would exceed IAM's aggregate inline-policy quota of its role (10,240 characters) or
 * user (2,048), whitespace excluded. Raised BEFORE the PutRolePolicy / PutUserPolicy, with the sizes, so the
 * thread says why the deny is missing instead of IAM's LimitExceeded.
 */
export class InlinePolicyQuotaError extends AirlockError {}
