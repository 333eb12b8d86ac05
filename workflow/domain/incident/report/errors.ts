import { AirlockError } from '../../../errors';

/** A report was asked for an incident that has not reached a final state. */
export class ReportNotFinalError extends AirlockError {}

/** A stored report's key names this content's hash prefix but holds other bytes. */
export class ReportConflictError extends AirlockError {}
