import type { WorkflowSettings } from '../config';
import type { IncidentRequest, Route } from '../intake/types';

/**
 * The execution input. Intake builds it; the execution name is the incidentId, so a repeat
 * StartExecution for the same incident is absorbed by Step Functions itself.
 */
export interface ExecutionInput {
  incidentId: string;
  route: Route;
  request: IncidentRequest;
  config: WorkflowSettings;
}

/** What every task receives (the ASL passes these with Parameters, plus task-specific fields). */
export interface TaskInputBase {
  incidentId: string;
  request: IncidentRequest;
  config: WorkflowSettings;
}

/** The callback output the bot sends with SendTaskSuccess on approval. */
export interface ApprovalOutcome {
  approvalId: string;
  decision: 'approve';
  decidedBy: string;
  decidedAt: string;
}
