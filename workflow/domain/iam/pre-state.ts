import * as z from 'zod';

export const AccessKeyStateSchema = z.object({ accessKeyId: z.string(), status: z.string() });
export type AccessKeyState = z.infer<typeof AccessKeyStateSchema>;

/**
 * The session-revocation deny ContainAccessKey puts on the principal: its name (with the incident id), whether it
 * was there before (never, unless a retry), and the `aws:TokenIssueTime` cut-off — the time of containment, so
 * every session minted before Airlock acted (with the key, or by assuming the role) is denied.
 */
export const SessionDenySchema = z.object({
  policyName: z.string(),
  presentBefore: z.boolean(),
  tokenIssuedBefore: z.string(),
});
export type SessionDeny = z.infer<typeof SessionDenySchema>;

/** An IAM user's keys before containment (every key, so the restore knows exactly which were Active). */
export const IamUserPreStateSchema = z.object({
  kind: z.literal('iam-access-key'),
  principal: z.literal('user'),
  userName: z.string(),
  accessKeyId: z.string(),
  keys: z.array(AccessKeyStateSchema),
  /** The deny on sessions the user minted with GetSessionToken / GetFederationToken (absent in older records). */
  denyPolicy: SessionDenySchema.optional(),
});
export type IamUserPreState = z.infer<typeof IamUserPreStateSchema>;

/** A role before containment: the session-revocation deny this incident puts on it. */
export const IamRolePreStateSchema = z.object({
  kind: z.literal('iam-access-key'),
  principal: z.literal('role'),
  roleName: z.string(),
  accessKeyId: z.string().optional(),
  denyPolicy: SessionDenySchema,
});
export type IamRolePreState = z.infer<typeof IamRolePreStateSchema>;

export const IamPreStateSchema = z.discriminatedUnion('principal', [
  IamUserPreStateSchema,
  IamRolePreStateSchema,
]);
export type IamPreState = z.infer<typeof IamPreStateSchema>;
