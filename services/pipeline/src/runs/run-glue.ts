import type { CommandContext, CommandResult } from '@railyard/eventstore';
import { etagOf } from '@railyard/service-kit';
import type { FastifyReply } from 'fastify';
import type { RunCommand } from './domain/run.decide.js';
import type { RunState } from './domain/run.js';
import { type RunCommands, runStream } from './run-commands.js';
import { runView } from './run-view.js';

/** Handles a run command and replies with the run (ETag = its revision). */
export async function handleRunCommand(
  deps: { commands: RunCommands },
  reply: FastifyReply,
  runId: string,
  command: RunCommand,
  ctx: CommandContext,
  status = 200,
): Promise<CommandResult<RunState>> {
  const result = await deps.commands.handle(runStream(runId), command, ctx);
  if (!result.state.exists) throw new Error('unreachable: run commands apply to started runs');
  await reply.code(status).header('etag', etagOf(result.revision)).send(runView(result.state, result.revision));
  return result;
}
