import { GovernanceErrorCodes as Codes, NoticeKind, noticeTemplateStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { checkTemplate, TEMPLATE_VARIABLES } from '../domain/notice-template.js';
import { type TemplateCommands, TemplateView } from '../notice-store.js';

const Body = z.strictObject({
  subject: z.string().min(1).max(500).describe('A mustache template of the title.'),
  body: z.string().min(1).max(20_000).describe('A mustache template of the text; {{var}} is HTML-escaped.'),
  reason: z.string().trim().min(1).max(2000),
});

/**
 * PUT /notice-templates/:kind — saves the rollback or incident notice template (G7). A template is checked at save
 * time: an unknown variable, an unescaped tag ({{{x}}}, {{&x}}) or a partial is a 400, and nothing is saved.
 */
export const saveTemplateRoute: FastifyPluginAsyncZod<{ commands: TemplateCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.put(
    '/notice-templates/:kind',
    {
      config: { roles: ['release-manager', 'sre', 'admin'] },
      schema: {
        summary: 'Save a notice template',
        tags: ['communications'],
        params: z.strictObject({ kind: NoticeKind }),
        body: Body,
        response: { 200: TemplateView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { kind } = request.params;
      for (const part of ['subject', 'body'] as const) {
        const problem = checkTemplate(kind, request.body[part]);
        if (problem?.kind === 'unparsable') {
          throw new HttpProblem(
            400,
            Codes.TEMPLATE_INVALID,
            `The ${part} is not a mustache template: ${problem.message}`,
            {
              part,
            },
          );
        }
        if (problem) {
          const { kind: _k, ...details } = problem;
          throw new HttpProblem(
            400,
            Codes.TEMPLATE_UNKNOWN_VARIABLES,
            `The ${part} uses what a ${kind} notice does not offer: ${[...details.unknownVariables, ...details.unescapedTags, ...details.partials].join(', ')}.`,
            { part, ...details, allowed: TEMPLATE_VARIABLES[kind] },
          );
        }
      }
      const result = await commands.handle(
        noticeTemplateStream(kind),
        { type: 'SaveTemplate', kind, ...request.body, actor: ctx.actor.id },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send({
        kind,
        subject: request.body.subject,
        body: request.body.body,
        version: Number(result.revision) + 1,
        variables: { names: [...TEMPLATE_VARIABLES[kind].names], lists: TEMPLATE_VARIABLES[kind].lists },
      });
    },
  );
};
