import type {
  AwsSecurityFinding,
  BatchUpdateFindingsCommandInput,
  BatchUpdateFindingsCommandOutput,
  BatchUpdateFindingsUnprocessedFinding,
  GetFindingsCommandInput,
  GetFindingsCommandOutput,
} from '@aws-sdk/client-securityhub';
import type { SimFinding } from '../model';
import { type HandlerTable, op } from './common';

const STATUSES = new Set(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']);
const VERIFICATION = new Set(['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE']);

export const securityhubHandlers: HandlerTable = {
  BatchUpdateFindings: op<BatchUpdateFindingsCommandInput, BatchUpdateFindingsCommandOutput>((ctx, input) => {
    const hub = ctx.model.region(ctx.target).securityhub;
    if (hub.disabled) {
      throw ctx.error(
        'InvalidAccessException',
        `Account ${ctx.target.accountId} is not subscribed to AWS Security Hub`,
        { status: 401 },
      );
    }
    const findings = hub.findings;
    const identifiers = input.FindingIdentifiers ?? [];
    if (!identifiers.length || identifiers.length > 100) {
      throw ctx.error('InvalidInputException', 'FindingIdentifiers must contain between 1 and 100 items', {
        status: 400,
      });
    }
    const status = input.Workflow?.Status;
    if (status !== undefined && !STATUSES.has(status)) {
      throw ctx.error('InvalidInputException', `Invalid Workflow.Status ${status}`, { status: 400 });
    }
    if (input.VerificationState !== undefined && !VERIFICATION.has(input.VerificationState)) {
      throw ctx.error('InvalidInputException', `Invalid VerificationState ${input.VerificationState}`, {
        status: 400,
      });
    }
    if (input.Note && (!input.Note.Text || !input.Note.UpdatedBy)) {
      throw ctx.error('InvalidInputException', 'Note requires Text and UpdatedBy', { status: 400 });
    }
    if ((input.Note?.Text ?? '').length > 512) {
      throw ctx.error('InvalidInputException', 'Note.Text must be at most 512 characters', { status: 400 });
    }
    const processed: { Id: string; ProductArn: string }[] = [];
    const unprocessed: BatchUpdateFindingsUnprocessedFinding[] = [];
    for (const id of identifiers) {
      const finding = id.Id ? findings[id.Id] : undefined;
      if (!finding || finding.productArn !== id.ProductArn) {
        unprocessed.push({
          FindingIdentifier: { Id: id.Id, ProductArn: id.ProductArn },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding Not Found',
        });
        continue;
      }
      if (status) finding.workflowStatus = status as SimFinding['workflowStatus'];
      if (input.VerificationState)
        finding.verificationState = input.VerificationState as SimFinding['verificationState'];
      if (input.Note?.Text && input.Note.UpdatedBy) {
        finding.note = { text: input.Note.Text, updatedBy: input.Note.UpdatedBy, updatedAt: ctx.model.iso() };
      }
      finding.updatedAt = ctx.model.iso();
      processed.push({ Id: finding.id, ProductArn: finding.productArn });
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }),

  GetFindings: op<GetFindingsCommandInput, GetFindingsCommandOutput>((ctx, input) => {
    const ids = (input.Filters?.Id ?? []).map((f) => f.Value).filter((v): v is string => v !== undefined);
    const findings = Object.values(ctx.model.region(ctx.target).securityhub.findings).filter(
      (f) => !ids.length || ids.includes(f.id),
    );
    return {
      Findings: findings.map(
        (f): AwsSecurityFinding => ({
          SchemaVersion: '2018-10-08',
          Id: f.id,
          ProductArn: f.productArn,
          GeneratorId: f.productArn,
          AwsAccountId: ctx.target.accountId,
          Region: ctx.target.region,
          Types: [],
          CreatedAt: f.updatedAt,
          UpdatedAt: f.updatedAt,
          Severity: { Label: 'HIGH' },
          Title: f.title,
          Description: f.title,
          Resources: [],
          Workflow: { Status: f.workflowStatus },
          ...(f.note
            ? { Note: { Text: f.note.text, UpdatedBy: f.note.updatedBy, UpdatedAt: f.note.updatedAt } }
            : {}),
        }),
      ),
    };
  }),
};
