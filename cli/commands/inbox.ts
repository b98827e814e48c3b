/**
 * `runway inbox [--json]`: what Runway told people on the local stack — each Slack channel of the sandbox's stand-in
 * with its messages and their threads, the ephemeral answers to commands and clicks, and the emails the SMTP sink
 * received. The same as the inbox page (its URL is in `npm start`'s banner).
 */
import type { Command } from 'commander';
import { readStack } from '../stack.js';
import { formatInbox, readInbox, readMail, slackUrlOf } from '../demo/inbox.js';

export function registerInboxCommand(program: Command): void {
  program
    .command('inbox')
    .description("show the local stack's Slack messages (with threads) and emails")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const stack = readStack();
      const [inbox, mails] = await Promise.all([readInbox(stack), readMail(stack)]);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ slack: inbox, mails }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatInbox(inbox, mails)}\n\nThe inbox page: ${slackUrlOf(stack)}/\n`);
    });
}
