import type { LureCategory, Tier } from './lexicon/types';
import { severityFor } from '../../core/engine/findings';

/** Every finding the content engine can raise, with the title analysts see. */
export const CONTENT_FINDING_TITLES = {
  'content.credential_lure': 'Asks the reader to sign in, verify or restore an account',
  'content.payment_request': 'Payment, bank-detail change or wire request (business email compromise)',
  'content.gift_card_request': 'Asks the reader to buy gift cards or send card codes',
  'content.callback_scam': 'Charge or renewal notice that asks the reader to phone a number',
  'content.advance_fee': 'Advance-fee, inheritance or lottery scam language',
  'content.prize_lure': 'Prize, reward, survey or expiring-points lure',
  'content.crypto_scam': 'Crypto wallet, airdrop or investment-return lure',
  'content.sextortion': 'Sextortion: claims of recorded video and a demand for payment',
  'content.delivery_lure': 'Parcel held, failed delivery or customs-fee lure',
  'content.authority_lure': 'Poses as a court, tax office, police or government notice',
  'content.scareware_lure': 'Fake security warning: infected device, expired antivirus protection',
  'content.romance_lure': 'Dating, romance or adult-contact lure',
  'content.job_scam_lure': 'Job or task scam: pay per task or per day from home, no interview, contact on a chat app',
  'content.spam_offer': 'Miracle product, diet, pharmacy or casino offer',
  'content.personal_data_request': 'Asks for personal data (card number, CVV, SSN, date of birth)',
  'content.urgency': 'Urgency or threat language (deadlines, suspension, legal action)',
  'content.generic_greeting': 'Impersonal greeting ("Dear customer", or the email address as a name)',
  'content.brand_lure': 'Names a well-known brand the sender domain does not belong to',
  'content.fake_reply': 'Subject poses as a reply but the message answers nothing',
  'content.single_link_body': 'Body is little more than one call-to-action link',
  'content.hidden_text': 'Text hidden from the reader (display:none, tiny or invisible text)',
  'content.invisible_characters': 'Zero-width or direction-override characters inside words',
  'content.obfuscated_text': 'Words disguised with look-alike letters (other scripts, I for l, digits) or styled Unicode',
  'content.image_only': 'Images and a link with almost no text',
  'content.html_smuggling': 'Script that assembles a file in the browser (HTML smuggling)',
  'content.attachment_password': 'Gives the password that opens an attached file (hides it from scanners)',
  'content.unrelated_links': 'Bulk HTML from an unauthenticated sender whose links all lead to other sites',
  'content.contact_elsewhere': 'Asks the reader to write to a consumer mailbox that is not the sender',
} as const;

export type ContentFindingId = keyof typeof CONTENT_FINDING_TITLES;

/** The finding each phrase category feeds. */
export const CATEGORY_FINDING: Readonly<Record<LureCategory, ContentFindingId>> = {
  credential: 'content.credential_lure',
  payment: 'content.payment_request',
  giftcard: 'content.gift_card_request',
  callback: 'content.callback_scam',
  advance_fee: 'content.advance_fee',
  prize: 'content.prize_lure',
  crypto: 'content.crypto_scam',
  sextortion: 'content.sextortion',
  delivery: 'content.delivery_lure',
  authority: 'content.authority_lure',
  scareware: 'content.scareware_lure',
  romance: 'content.romance_lure',
  job: 'content.job_scam_lure',
  spam_offer: 'content.spam_offer',
  personal_data: 'content.personal_data_request',
  urgency: 'content.urgency',
  generic_greeting: 'content.generic_greeting',
};

/**
 * How much one matched phrase of a tier counts, as the chance it is a lure on its own. A
 * category's score is `cap × (1 − Π(1 − tierValue))` over its distinct matched phrases.
 */
export const TIER_VALUES: Readonly<Record<Tier, number>> = { strong: 0.6, medium: 0.33, weak: 0.12 };

/**
 * Highest score each category reaches however many phrases match. Supporting cues (urgency,
 * greetings) are capped low so that alone they never make a message suspicious.
 */
export const CATEGORY_CAPS: Readonly<Record<LureCategory, number>> = {
  credential: 75,
  payment: 65,
  giftcard: 75,
  callback: 70,
  advance_fee: 75,
  prize: 65,
  crypto: 70,
  sextortion: 85,
  delivery: 65,
  authority: 65,
  scareware: 65,
  romance: 60,
  job: 70,
  spam_offer: 65,
  personal_data: 55,
  urgency: 30,
  generic_greeting: 20,
};

/** Scores of the structural findings and of the context adjustments. */
export const CONTENT_SCORES = {
  /** The recipient's own email address used as the greeting's name or put in the subject. */
  addressAsName: 25,
  brandLure: 25,
  fakeReply: 15,
  singleLinkBody: 20,
  hiddenTextSalting: 45,
  invisibleCharacters: 30,
  bidiOverride: 45,
  obfuscatedWords: 35,
  styledLetters: 20,
  /** Capital words in the subject or sender name spelt with 0 for O. */
  digitForLetter: 25,
  /**
   * Words that match a lure phrase or a brand name only once read with I for l or digits for
   * letters ("PayPaI", "Iog in", "micr0soft").
   */
  lookalikeLetters: 30,
  imageOnly: 40,
  htmlSmugglingStrong: 75,
  htmlSmugglingWeak: 30,
  attachmentPassword: 40,
  unrelatedLinks: 25,
  contactElsewhere: 25,
  /** Multiplier for a lure from an authenticated sender whose links stay on its own domains. */
  ownServiceFactor: 0.35,
  /** Same, when some links pass through an email provider's click tracker (account and payment lures). */
  trackerFactor: 0.6,
  /** Multiplier for credential language with nothing to click, open or fill in. */
  noActionFactor: 0.6,
  /** Extra weight (as a tier value) of a password field in the body. */
  passwordField: 0.55,
} as const;

/**
 * Findings that describe a lure; the others only support one. Supporting findings without any
 * lure combine to at most SUPPORT_ONLY_CAP, so mail with only generic cues is never flagged.
 */
export const SUPPORTING_FINDINGS: ReadonlySet<ContentFindingId> = new Set([
  'content.urgency',
  'content.generic_greeting',
  'content.brand_lure',
  'content.fake_reply',
  'content.single_link_body',
  'content.invisible_characters',
  'content.obfuscated_text',
  'content.unrelated_links',
  'content.contact_elsewhere',
]);

export const SUPPORT_ONLY_CAP = 40;

export { severityFor };
