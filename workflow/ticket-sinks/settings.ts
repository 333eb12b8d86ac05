import * as z from 'zod';
import { SeverityLabelSchema } from '../intake/types';
import { TICKET_OUTCOMES } from '../tickets';

/** A Jira project key: an uppercase letter, then uppercase letters, digits or underscores (Jira's default rule). */
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

/** The site URL Jira Cloud gives (`https://<site>.atlassian.net`); plain http only for a local fake (127.0.0.1). */
const baseUrl = z
  .url()
  .transform((u) => u.replace(/\/+$/, ''))
  .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(u), {
    message: 'must be an https:// site URL (e.g. https://your-site.atlassian.net)',
  })
  .refine((u) => !/\/rest\//.test(u), { message: 'is the bare site URL, without /rest/…' });

const statusName = z.string().trim().min(1).max(255);

/** The status each outcome moves the ticket to (the name of a status the project's workflow can reach). */
export const JiraStatusMapSchema = z
  .object({
    resolved: statusName.default('Done'),
    restored: statusName.default('Done'),
    unresolved: statusName.default('In Progress'),
    failed: statusName.default('In Progress'),
  })
  .strict()
  .default({ resolved: 'Done', restored: 'Done', unresolved: 'In Progress', failed: 'In Progress' });

const SEVERITIES = SeverityLabelSchema.options;
const DEFAULT_PRIORITIES = {
  CRITICAL: 'Highest',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFORMATIONAL: 'Lowest',
} as const;

/**
 * How the finding's severity reaches the ticket: `priority` sets the issue's priority by name (the map names a
 * priority of the site), `label` adds `severity-<value>` labels, `none` leaves it to the description only.
 */
export const JiraSeveritySchema = z
  .object({
    field: z.enum(['priority', 'label', 'none']).default('priority'),
    priorities: z
      .record(SeverityLabelSchema, z.string().trim().min(1))
      .default({ ...DEFAULT_PRIORITIES })
      .refine((m) => SEVERITIES.every((s) => s in m), {
        message: `must name a priority for each of ${SEVERITIES.join(', ')}`,
      }),
  })
  .strict()
  .default({ field: 'priority', priorities: { ...DEFAULT_PRIORITIES } });

export const JiraSettingsSchema = z
  .object({
    baseUrl,
    projectKey: z.string().regex(PROJECT_KEY, 'a Jira project key (e.g. SEC)'),
    issueType: z.string().trim().min(1).default('Task'),
    statuses: JiraStatusMapSchema,
    severity: JiraSeveritySchema,
    /**
     * How long (seconds) a create whose answer was lost is given to show up in Jira's search before another is
     * sent. Jira documents most changes as searchable "within seconds", some after minutes.
     */
    searchSettleSeconds: z.number().int().min(5).max(900).default(120),
    /** `https://<workspace>.slack.com`: the ticket then links the incident's Slack thread (else names it). */
    slackWorkspaceUrl: z
      .url()
      .refine((u) => u.startsWith('https://') || /^http:\/\/127\.0\.0\.1(:\d+)?/.test(u), {
        message: 'must be https://',
      })
      .optional(),
  })
  .strict();
export type JiraSettings = z.infer<typeof JiraSettingsSchema>;

/** Which sink opens tickets, and its settings. One setting: `sink`. */
export const TicketSettingsSchema = z
  .discriminatedUnion('sink', [
    z.object({ sink: z.literal('ledger') }).strict(),
    z.object({ sink: z.literal('jira'), jira: JiraSettingsSchema }).strict(),
  ])
  .default({ sink: 'ledger' });
export type TicketSettings = z.infer<typeof TicketSettingsSchema>;
export type TicketSinkName = TicketSettings['sink'];

export { TICKET_OUTCOMES };
