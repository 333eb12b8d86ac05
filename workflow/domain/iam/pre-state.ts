import * as z from 'zod';

export const AccessKeyStateSchema = z.object({ accessKeyId: z.string(), status: z.string() });
export type AccessKeyState = z.infer<typeof AccessKeyStateSchema>;

/** An IAM user's keys before containment (every key, so the restore knows exactly which were Active). */
export const IamUserPreStateSchema = z.object({
  kind: z.literal('iam-access-key'),
  principal: z.literal('user'),
  userName: z.string(),
  accessKeyId: z.string(),
  keys: z.array(AccessKeyStateSchema),
});
export type IamUserPreState = z.infer<typeof IamUserPreStateSchema>;

/** A role before containment: whether the session-revocation deny policy was already there (it never is). */
export const IamRolePreStateSchema = z.object({
  kind: z.literal('iam-access-key'),
  principal: z.literal('role'),
  roleName: z.string(),
  accessKeyId: z.string().optional(),
  denyPolicy: z.object({
    policyName: z.string(),
    presentBefore: z.boolean(),
    /** The `aws:TokenIssueTime` cutoff: sessions issued before the finding's lastSeen are denied. */
    tokenIssuedBefore: z.string(),
  }),
});
export type IamRolePreState = z.infer<typeof IamRolePreStateSchema>;

export const IamPreStateSchema = z.discriminatedUnion('principal', [
  IamUserPreStateSchema,
  IamRolePreStateSchema,
]);
export type IamPreState = z.infer<typeof IamPreStateSchema>;
