import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { clip } from './text';
import type { MessageView } from './view';

/** Reply prefixes of mail clients in many languages ("Re:", "AW:", "SV:", "RES:", "RIF:"…). */
const REPLY_PREFIX = /^\s*(?:re|aw|sv|vs|antw|antwort|res|rif|odp|atb|ynt|vá|回复|答复)\s*(?:\[\d+\])?\s*[:：]/i;

/**
 * A subject that poses as a reply ("RE: Invoice") on a message that answers nothing: no
 * In-Reply-To and no References. Clients set those on real replies; lures fake the prefix to
 * look like an ongoing conversation.
 */
export function analyseFakeReply(view: MessageView): Scored | null {
  const { subject, ids } = view.subject;
  if (!REPLY_PREFIX.test(subject)) return null;
  if (ids.inReplyTo !== '' || ids.references.length > 0) return null;
  return { score: S.fakeReply, evidence: [`"${clip(subject, 100)}" with no In-Reply-To or References`] };
}
