import { CATEGORY_CAPS, CONTENT_SCORES as S, TIER_VALUES } from './findings';
import type { LureCategory } from './lexicon';
import type { PhraseMatch } from './matcher';
import { clip } from './text';
import { ownService, type MessageView } from './view';

/** A scored finding before it is collected: its score and its evidence strings. */
export interface Scored {
  score: number;
  evidence: string[];
  /** Only weak phrases matched: on its own this supports a lure but is none. */
  weakOnly?: boolean;
}

/** Evidence strings per finding. */
export const MAX_EVIDENCE = 6;

/** Weak phrases counted per category. */
const MAX_WEAK_PHRASES = 2;

/**
 * The score of a category from its matched phrases (each counted once): the cap times the
 * chance that at least one phrase is a lure, with each phrase's tier value as that chance.
 * `extra` adds context cues (a password field, a large sum of money) the same way.
 */
export function scoreCategory(category: LureCategory, matches: readonly PhraseMatch[], extra: readonly { value: number; evidence: string }[] = []): Scored | null {
  if (matches.length === 0 && extra.length === 0) return null;
  matches = distinctWords(matches);
  let miss = 1;
  let weak = 0;
  for (const match of matches) {
    // Everyday words pile up in long mail; only the first few count.
    if (match.tier === 'weak' && ++weak > MAX_WEAK_PHRASES) continue;
    miss *= 1 - TIER_VALUES[match.tier];
  }
  for (const cue of extra) miss *= 1 - cue.value;
  const score = Math.round(CATEGORY_CAPS[category] * (1 - miss));
  const weakOnly = extra.length === 0 && matches.every((match) => match.tier === 'weak');
  return { score, evidence: evidenceOf(matches, extra.map((cue) => cue.evidence)), weakOnly };
}

/**
 * One match per matched wording: the same words found by phrases of two languages ("urgent" in
 * English and French) or two overlapping phrases count once, at the strongest tier.
 */
function distinctWords(matches: readonly PhraseMatch[]): PhraseMatch[] {
  const order = { strong: 0, medium: 1, weak: 2 } as const;
  const byWords = new Map<string, PhraseMatch>();
  for (const match of matches) {
    const kept = byWords.get(match.matched);
    if (kept === undefined || order[match.tier] < order[kept.tier]) byWords.set(match.matched, match);
  }
  return [...byWords.values()];
}

/** Matched words, strongest phrases first, quoted; then the context cues. */
export function evidenceOf(matches: readonly PhraseMatch[], cues: readonly string[] = []): string[] {
  const order = { strong: 0, medium: 1, weak: 2 } as const;
  const phrases = [...matches]
    .sort((a, b) => order[a.tier] - order[b.tier] || a.position - b.position)
    .map((match) => `"${clip(match.matched, 80)}"`);
  return [...cues.map((cue) => clip(cue, 160)), ...phrases].slice(0, MAX_EVIDENCE);
}

/** Multiplies a scored finding, keeping the evidence and noting why. */
export function scaled(scored: Scored, factor: number, why: string): Scored {
  return { ...scored, score: Math.round(scored.score * factor), evidence: [...scored.evidence.slice(0, MAX_EVIDENCE - 1), why] };
}

/**
 * Lowers a lure the sender vouches for: authenticated for its From domain with links on its own
 * domains (× ownServiceFactor), or partly through an ESP click tracker (× trackerFactor; honest
 * mail does this, and so does mail from a hijacked ESP account).
 */
export function mitigatedForOwnService(view: MessageView, scored: Scored, trackersCountFully = false): Scored {
  const vouched = ownService(view);
  if (vouched === 'own') return scaled(scored, S.ownServiceFactor, `authenticated sender ${view.fromDomain} links only to its own domains`);
  if (vouched === 'own_or_tracker') {
    const factor = trackersCountFully ? S.ownServiceFactor : S.trackerFactor;
    return scaled(scored, factor, `authenticated sender ${view.fromDomain} links to its own domains and its email provider`);
  }
  return scored;
}
