import { MonitoringErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { loadAnomaly } from '../anomaly-commands.js';
import { AnomalyView } from '../anomaly-view.js';

/** GET /anomalies/:anomalyId — an anomaly, whether it is resolved, and its escalation. */
export const getAnomalyRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/anomalies/:anomalyId',
    {
      schema: {
        summary: 'Get an anomaly',
        tags: ['escalation'],
        params: z.strictObject({ anomalyId: z.uuid() }),
        response: { 200: AnomalyView },
      },
    },
    async (request, reply) => {
      const { state, revision } = await loadAnomaly(store, request.params.anomalyId);
      if (!state.exists) throw notFound(MonitoringErrorCodes.ANOMALY_NOT_FOUND, 'No anomaly with this id.');
      return reply.header('etag', etagOf(revision)).send({
        ...state.opened,
        status: state.resolved ? ('resolved' as const) : ('open' as const),
        resolved: state.resolved,
        escalated: state.escalated,
      });
    },
  );
};
