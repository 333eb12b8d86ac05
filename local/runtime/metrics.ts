import { MetricsLogger } from 'aws-embedded-metrics';
import type { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer';
import type { Logger } from '../../workflow/log';

/** One EMF document as CloudWatch Logs would receive it (parsed JSON). */
export type EmfDocument = Record<string, unknown>;

/**
 * Drills' EMF metrics: the production MetricsLogger and serializer, with a sink that keeps each document (for
 * tests and the workspace) and writes it to the task logger at debug level, never to stdout as a bare line (in
 * Lambda the library's ConsoleSink writes it to stdout for CloudWatch Logs to extract).
 */
export function drillMetrics(log: Logger): { factory: () => MetricsLogger; documents: EmfDocument[] } {
  const documents: EmfDocument[] = [];
  const serializer = new LogSerializer();
  const sink = {
    name: 'DrillSink',
    accept: async (context: MetricsContext) => {
      for (const line of serializer.serialize(context)) {
        const document = JSON.parse(line) as EmfDocument;
        documents.push(document);
        log.debug({ emf: document }, 'incident metrics');
      }
    },
  };
  const environment = {
    probe: async () => true,
    getName: () => 'airlock-drill',
    getType: () => 'Local',
    getLogGroupName: () => 'airlock-drill',
    configureContext: () => {},
    getSink: () => sink,
  };
  return { factory: () => new MetricsLogger(async () => environment), documents };
}
