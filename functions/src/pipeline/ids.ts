import { createHash } from 'node:crypto';

export function scanIdFor(mailbox: string, gmailMessageId: string): string {
  return createHash('sha256').update(`${mailbox.toLowerCase()}:${gmailMessageId}`).digest('hex').slice(0, 32);
}
