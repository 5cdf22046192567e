import { BUILTIN_BRANDS, registrableOf, type Brand } from '../../core/brands';
import type { ExtractedLink, ScanSubject } from '../../core/subject/types';
import { CLICK_TRACKER_DOMAINS } from '../links/lists';
import { analyseHtml, type HtmlFacts } from './html';
import type { LureCategory } from './lexicon';
import type { PhraseMatch, PhraseMatcher } from './matcher';
import { decodeNumericReferences, foldText, type LookalikeWord, type WordVocabulary } from './text';

export interface ViewLimits {
  /** Characters of each body (visible HTML text, plain text) read. */
  maxTextChars: number;
  /** Characters of HTML analysed (hidden text, images, scripts, visible text). */
  maxHtmlChars: number;
  /** Words matched against the phrase lists. */
  maxTokens: number;
}

/** What the words can be read as: phrase and brand words, and where a brand is named. */
export interface ViewLexicon {
  vocabulary: WordVocabulary;
  /** Whether a brand keyword covers the word at `index` of `tokens`. */
  namesBrandAt(tokens: readonly string[], index: number): boolean;
}

/** Hidden text at least this long means the plain-text part may carry the same filler. */
const SALTED_PLAIN_TEXT_CHARS = 200;

/**
 * Everything the analysers read, computed once per message: the words the reader sees, the
 * phrases found in them, the HTML facts, the clickable links and who the sender provably is.
 */
export interface MessageView {
  subject: ScanSubject;
  /** Visible body text (HTML rendering, plus the plain-text part unless the HTML hides filler). */
  bodyText: string;
  /** Folded words of the subject line and display name, then the body. */
  tokens: readonly string[];
  /** How many of `tokens` come from the subject line and the sender's display name. */
  subjectTokenCount: number;
  matches: readonly PhraseMatch[];
  byCategory: ReadonlyMap<LureCategory, PhraseMatch[]>;
  html: HtmlFacts | null;
  mixedScriptWords: readonly string[];
  mixedScriptCount: number;
  /**
   * Words spelt with look-alike letters ("PayPaI", "Iog", "micr0soft") that a lure phrase or a
   * brand name matched only once folded (indexes in `tokens`).
   */
  lookalikesMatched: readonly LookalikeWord[];
  /** Registrable domain of From, '' when unknown. */
  fromDomain: string;
  /** DMARC passed for the From domain, or a DKIM signature of that domain passed. */
  senderAuthenticated: boolean;
  /** Registrable domains that count as the sender's own (its brand's other domains included). */
  senderFamily: ReadonlySet<string>;
  /** Links the reader can follow or submit to (anchors, forms), not images or mailto. */
  clickable: readonly ExtractedLink[];
  /** Words of the body text. */
  bodyWordCount: number;
  /** Images shown in the body (HTML images that are not tracking pixels, inline image parts). */
  imageCount: number;
}

export function buildView(subject: ScanSubject, matcher: PhraseMatcher, limits: ViewLimits, lexicon?: ViewLexicon): MessageView {
  const html = subject.html.trim() === '' ? null : analyseHtml(subject.html.slice(0, limits.maxHtmlChars), limits.maxTextChars);
  const plain = decodeNumericReferences(subject.text.slice(0, limits.maxTextChars));
  let bodyText: string;
  if (html === null) bodyText = plain;
  else if (html.hiddenChars >= SALTED_PLAIN_TEXT_CHARS || plain.trim() === '') bodyText = html.visibleText;
  else bodyText = `${html.visibleText}\n${plain}`;

  // The sender's display name is read with the subject: the reader sees both before the body.
  const subjectFold = foldText(`${subject.subject}\n${subject.from?.name ?? ''}`, 300, lexicon?.vocabulary);
  const bodyFold = foldText(bodyText, limits.maxTokens, lexicon?.vocabulary);
  const tokens = [...subjectFold.tokens, '\u0000', ...bodyFold.tokens];
  const matches = matcher.match(tokens);
  const bodyStart = subjectFold.tokens.length + 1;
  const lookalikes = [...subjectFold.lookalikes, ...bodyFold.lookalikes.map((word) => ({ ...word, index: word.index + bodyStart }))];
  const lookalikesMatched = lookalikes.filter(
    (word) =>
      matches.some((match) => word.index >= match.position && word.index < match.position + match.matched.split(' ').length) ||
      lexicon?.namesBrandAt(tokens, word.index) === true,
  );
  const byCategory = new Map<LureCategory, PhraseMatch[]>();
  for (const match of matches) {
    const list = byCategory.get(match.category);
    if (list === undefined) byCategory.set(match.category, [match]);
    else list.push(match);
  }

  const fromDomain = subject.from?.registrableDomain ?? '';
  const clickable = subject.links.filter(
    (link) => (link.source === 'href' || link.source === 'form_action' || link.source === 'text') && !/^(?:mailto|tel|sms|cid):/i.test(link.url),
  );
  const inlineImages = subject.attachments.filter((attachment) => attachment.declaredType.startsWith('image/') && attachment.disposition === 'inline').length;

  return {
    subject,
    bodyText,
    tokens,
    subjectTokenCount: subjectFold.tokens.length,
    matches,
    byCategory,
    html,
    mixedScriptWords: [...subjectFold.mixedScriptWords, ...bodyFold.mixedScriptWords].slice(0, 5),
    mixedScriptCount: subjectFold.mixedScriptCount + bodyFold.mixedScriptCount,
    lookalikesMatched,
    fromDomain,
    senderAuthenticated: isSenderAuthenticated(subject, fromDomain),
    senderFamily: familyOf(fromDomain, BUILTIN_BRANDS),
    clickable,
    bodyWordCount: bodyFold.tokens.length,
    imageCount: Math.max(html?.visibleImages ?? 0, inlineImages),
  };
}

function isSenderAuthenticated(subject: ScanSubject, fromDomain: string): boolean {
  if (fromDomain === '') return false;
  const { dmarc, dkim } = subject.auth;
  if (dmarc?.result === 'pass' && registrableOf(dmarc.domain) === fromDomain) return true;
  return dkim.some((result) => result.result === 'pass' && registrableOf(result.domain) === fromDomain);
}

/** The sender's registrable domain plus, when it is a brand's, every domain that brand links to. */
function familyOf(fromDomain: string, brands: readonly Brand[]): Set<string> {
  const family = new Set<string>();
  if (fromDomain === '') return family;
  family.add(fromDomain);
  for (const brand of brands) {
    if (!brand.domains.some((domain) => registrableOf(domain) === fromDomain)) continue;
    // Link destinations only: a Microsoft mail linking to live.com stays with Microsoft.
    for (const domain of [...brand.domains, ...(brand.openDomains ?? [])]) family.add(registrableOf(domain));
  }
  return family;
}

/**
 * Whether every clickable link stays on the sender's own domains (true when there are none).
 * With `viaTrackers`, links through email-service click trackers count as the sender's too:
 * newsletters and receipts route every link through their ESP.
 */
export function linksStayWithSender(view: MessageView, viaTrackers = false): boolean {
  return view.clickable.every(
    (link) => link.registrableDomain !== '' && (view.senderFamily.has(link.registrableDomain) || (viaTrackers && CLICK_TRACKERS.has(link.registrableDomain))),
  );
}

const CLICK_TRACKERS: ReadonlySet<string> = new Set(CLICK_TRACKER_DOMAINS);

/**
 * How far the sender vouches for its own message: `own` when it is authenticated for its From
 * domain and every link stays on its domains; `own_or_tracker` when some links pass through an
 * email provider's click tracker instead (honest newsletters and receipts, but also mail from
 * hijacked ESP accounts); null otherwise.
 */
export function ownService(view: MessageView): 'own' | 'own_or_tracker' | null {
  if (!view.senderAuthenticated) return null;
  if (linksStayWithSender(view)) return 'own';
  return linksStayWithSender(view, true) ? 'own_or_tracker' : null;
}

/** Phrases of a category, strongest tier first. */
export function matchesOf(view: MessageView, category: LureCategory): PhraseMatch[] {
  return view.byCategory.get(category) ?? [];
}
