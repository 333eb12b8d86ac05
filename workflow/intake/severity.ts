import type { SeverityLabel } from './types';

/** The label for a GuardDuty-scale severity (0–10): Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical ≥ 9. */
export function labelForSeverity(value: number): SeverityLabel {
  if (value >= 9) return 'CRITICAL';
  if (value >= 7) return 'HIGH';
  if (value >= 4) return 'MEDIUM';
  if (value >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

const LOWER_BOUND: Record<SeverityLabel, number> = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 4,
  HIGH: 7,
  CRITICAL: 9,
};

/**
 * The value for a label when no consistent native score exists: the lower bound of the label's band, so
 * `labelForSeverity(severityForLabel(l)) === l` and a HIGH finding routes as HIGH.
 */
export function severityForLabel(label: SeverityLabel): number {
  return LOWER_BOUND[label];
}

/**
 * Severity of a Security Hub finding. The label is authoritative (Security Hub's preferred attribute, and the one
 * an analyst changes with BatchUpdateFindings); the value is the native score when it agrees with the label
 * (`candidates` in order of preference), else the lower bound of the label's band.
 */
export function severityFromLabel(
  label: SeverityLabel,
  candidates: ReadonlyArray<number | undefined>,
): { value: number; label: SeverityLabel } {
  for (const value of candidates) {
    if (value !== undefined && value >= 0 && value <= 10 && labelForSeverity(value) === label) {
      return { value, label };
    }
  }
  return { value: severityForLabel(label), label };
}
