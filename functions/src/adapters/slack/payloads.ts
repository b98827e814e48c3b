/**
 * What Slack sends Runway, validated with zod at the edge (DESIGN.md rule 5): a slash command (a form), or an
 * interaction (a form whose `payload` field is JSON): a button click (`block_actions`) or a modal's submission
 * (`view_submission`). Anything else is refused with the reason.
 */
import { z } from 'zod';

export const slashCommandSchema = z.looseObject({
  team_id: z.string().optional(),
  channel_id: z.string().min(1),
  channel_name: z.string().optional(),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  command: z.string().min(1),
  text: z.string().default(''),
  response_url: z.url(),
  trigger_id: z.string().min(1),
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

const userSchema = z.looseObject({
  id: z.string().min(1),
  username: z.string().optional(),
  name: z.string().optional(),
  team_id: z.string().optional(),
});

export const blockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: userSchema,
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  channel: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
  container: z.looseObject({ message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  message: z.looseObject({ ts: z.string() }).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() }))
    .min(1),
});
export type BlockActionsPayload = z.infer<typeof blockActionsSchema>;

export const viewSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  user: userSchema,
  trigger_id: z.string().optional(),
  view: z.looseObject({
    id: z.string().min(1),
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.looseObject({
      values: z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().nullish() }))),
    }),
  }),
});
export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;

/** What Runway keeps in a reject modal's `private_metadata`, to answer where the button was clicked. */
export const modalMetadataSchema = z.object({
  rolloutId: z.string().min(1),
  channelId: z.string().nullable(),
  channelName: z.string().nullable(),
  responseUrl: z.string().nullable(),
});
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export type SlackPayload =
  | { readonly kind: 'command'; readonly command: SlashCommandPayload }
  | { readonly kind: 'block_actions'; readonly payload: BlockActionsPayload }
  | { readonly kind: 'view_submission'; readonly payload: ViewSubmissionPayload };

export type ParsedPayload =
  { readonly ok: true; readonly value: SlackPayload } | { readonly ok: false; readonly reason: string };

/** Parses a request body (form-encoded, as Slack sends it). */
export function parseSlackBody(body: string): ParsedPayload {
  const form = new URLSearchParams(body);
  const payload = form.get('payload');
  if (payload === null) {
    const parsed = slashCommandSchema.safeParse(Object.fromEntries(form));
    return parsed.success
      ? { ok: true, value: { kind: 'command', command: parsed.data } }
      : { ok: false, reason: `not a slash command: ${describe(parsed.error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type === 'block_actions') {
    const parsed = blockActionsSchema.safeParse(json);
    return parsed.success
      ? { ok: true, value: { kind: 'block_actions', payload: parsed.data } }
      : { ok: false, reason: `bad block_actions payload: ${describe(parsed.error)}` };
  }
  if (type === 'view_submission') {
    const parsed = viewSubmissionSchema.safeParse(json);
    return parsed.success
      ? { ok: true, value: { kind: 'view_submission', payload: parsed.data } }
      : { ok: false, reason: `bad view_submission payload: ${describe(parsed.error)}` };
  }
  return { ok: false, reason: `interactions of type ${JSON.stringify(type)} are not handled` };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}
