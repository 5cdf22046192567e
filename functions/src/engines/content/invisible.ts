import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import type { MessageView } from './view';

/** A zero-width or soft-hyphen run between two letters of a Latin-script word. */
const INSIDE_WORD = /[a-zà-ÿ][\u00ad\u200b-\u200d\u2060\ufeff]+(?=[a-zà-ÿ])/gi;
/** Direction overrides and isolates: they reorder what is shown ("‮fdp.exe" shows as "exe.pdf"). */
const BIDI_OVERRIDE = /[\u202d\u202e\u2066-\u2069]/g;
/** Hebrew and Arabic text legitimately carries direction marks. */
const RIGHT_TO_LEFT_SCRIPT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

/** Invisible characters inside words at least this many (one can be a copy-paste accident). */
const MIN_INSIDE_WORD = 3;

/**
 * Zero-width characters and soft hyphens planted inside words ("Pa\u200bssword") break the words
 * for filters while the reader sees them whole; direction overrides reorder what is shown. Looks
 * at the subject, the sender's display name and the visible body.
 */
export function analyseInvisibleCharacters(view: MessageView): Scored | null {
  const text = `${view.subject.subject}\n${view.subject.from?.name ?? ''}\n${view.bodyText}`;
  const bidi = RIGHT_TO_LEFT_SCRIPT.test(text) ? 0 : (text.match(BIDI_OVERRIDE) ?? []).length;
  const insideWord = (text.match(INSIDE_WORD) ?? []).length;
  if (bidi === 0 && insideWord < MIN_INSIDE_WORD) return null;
  const evidence: string[] = [];
  if (insideWord >= MIN_INSIDE_WORD) evidence.push(`${insideWord} zero-width or soft-hyphen characters inside words`);
  if (bidi > 0) evidence.push(`${bidi} text-direction override characters`);
  const score = bidi > 0 ? S.bidiOverride : S.invisibleCharacters;
  return { score, evidence };
}
