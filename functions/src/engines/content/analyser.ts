import type { EngineContext, EngineOutput } from '../../core/engine/types';
import type { ScanSubject } from '../../core/subject/types';
import { analysePaymentRequest } from './bec';
import { BrandLureDetector, type WatchedBrand } from './brand-lure';
import { analyseCallToAction } from './call-to-action';
import { analyseCallback } from './callback';
import { combineFindings } from './combine';
import { analyseCredential } from './credential';
import { CATEGORY_FINDING, type ContentFindingId } from './findings';
import { analyseGiftCard } from './giftcard';
import { analyseGreeting } from './greeting';
import { analyseHiddenText } from './hidden-text';
import { analyseImageOnly } from './image-only';
import { analyseInvisibleCharacters } from './invisible';
import type { Lexicon } from './lexicon';
import type { Scored } from './lure-score';
import { PhraseMatcher } from './matcher';
import { analyseObfuscation } from './obfuscation';
import { analyseFakeReply } from './reply';
import { analyseScamFamilies } from './scams';
import { analyseSmuggling } from './smuggling';
import { analyseAttachmentPassword } from './attachment-password';
import { analyseContactElsewhere } from './contact-elsewhere';
import { analyseUnrelatedLinks } from './unrelated-links';
import { analyseUrgency } from './urgency';
import { buildView, type ViewLexicon } from './view';

export interface ContentAnalyserOptions {
  lexicons: readonly Lexicon[];
  brands: readonly WatchedBrand[];
  maxTextChars: number;
  maxHtmlChars: number;
  maxTokens: number;
  hiddenTextMinChars: number;
  imageOnlyMaxWords: number;
  disabledFindings: readonly string[];
}

/** Lure findings at least this strong let a brand mention count as a brand lure. */
const LURE_MIN_FOR_BRAND = 15;
/** The lures that borrow a brand's name: account, payment, parcel, prize, renewal and crypto notices. */
const BRAND_LURES: ReadonlySet<ContentFindingId> = new Set([
  'content.credential_lure',
  'content.payment_request',
  'content.gift_card_request',
  'content.callback_scam',
  'content.prize_lure',
  'content.crypto_scam',
  'content.delivery_lure',
  'content.authority_lure',
  'content.scareware_lure',
  'content.image_only',
]);

/**
 * Reads what a message says: the phrase lists of every shipped language over the words the
 * reader sees, plus structure (hidden text, invisible characters, image-only bodies, a lone
 * button, HTML smuggling). Phrase lists and brands are compiled once; scanning is pure.
 */
export class ContentAnalyser {
  private readonly matcher: PhraseMatcher;
  private readonly brands: BrandLureDetector;
  private readonly disabled: ReadonlySet<string>;
  private readonly lexicon: ViewLexicon;

  constructor(private readonly options: ContentAnalyserOptions) {
    this.matcher = new PhraseMatcher(options.lexicons);
    this.brands = new BrandLureDetector(options.brands);
    this.disabled = new Set(options.disabledFindings);
    const { matcher, brands } = this;
    this.lexicon = {
      vocabulary: { knows: (word) => matcher.knows(word) || brands.words.has(word) },
      namesBrandAt: (tokens, index) => brands.namesAt(tokens, index),
    };
  }

  scan(subject: ScanSubject, context: EngineContext): EngineOutput {
    context.signal.throwIfAborted();
    const { maxTextChars, maxHtmlChars, maxTokens } = this.options;
    const view = buildView(subject, this.matcher, { maxTextChars, maxHtmlChars, maxTokens }, this.lexicon);
    const found = new Map<ContentFindingId, Scored>();
    const put = (id: ContentFindingId, scored: Scored | null): void => {
      if (scored !== null && scored.score > 0 && !this.disabled.has(id)) found.set(id, scored);
    };

    put('content.credential_lure', analyseCredential(view));
    put('content.payment_request', analysePaymentRequest(view));
    put('content.gift_card_request', analyseGiftCard(view));
    put('content.callback_scam', analyseCallback(view));
    for (const [category, scored] of analyseScamFamilies(view)) put(CATEGORY_FINDING[category], scored);
    put('content.urgency', analyseUrgency(view));
    put('content.generic_greeting', analyseGreeting(view));
    put('content.fake_reply', analyseFakeReply(view));
    put('content.single_link_body', analyseCallToAction(view));
    put('content.hidden_text', analyseHiddenText(view, this.options.hiddenTextMinChars));
    put('content.invisible_characters', analyseInvisibleCharacters(view));
    put('content.obfuscated_text', analyseObfuscation(view));
    put('content.image_only', analyseImageOnly(view, this.options.imageOnlyMaxWords));
    put('content.html_smuggling', analyseSmuggling(view));
    put('content.attachment_password', analyseAttachmentPassword(view));
    put('content.unrelated_links', analyseUnrelatedLinks(view));
    put('content.contact_elsewhere', analyseContactElsewhere(view));

    const lurePresent = [...found].some(
      ([id, scored]) => BRAND_LURES.has(id) && scored.weakOnly !== true && scored.score >= LURE_MIN_FOR_BRAND,
    );
    put('content.brand_lure', this.brands.analyse(view, lurePresent));
    return combineFindings(found);
  }
}
