import type { LureCategory } from './lexicon';
import { mitigatedForOwnService, scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/**
 * Lures whose words honest marketing also uses (rewards, offers, dating sites): lowered when the
 * sender is authenticated for its own domain and its links go there or through its ESP.
 */
const MARKETING_LIKE: ReadonlySet<LureCategory> = new Set(['prize', 'spam_offer', 'romance', 'delivery', 'authority', 'scareware', 'job']);

/** A sum in the millions, written out or in digits with a currency ("US$5,000,000.00", "€2.5 million"). */
const LARGE_SUM =
  /(?:us\s?\$|usd|\$|€|£|eur|gbp)\s?\d{1,3}(?:[.,\s]\d{3}){2,}|\d{1,3}(?:[.,]\d{1,3})?\s?(?:million|millions|millones|milhoes|milhões|millionen|millioner|milioni)\b/i;
/** A Bitcoin address (legacy or bech32). */
const BITCOIN_ADDRESS = /\b(?:bc1[a-z0-9]{25,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b/;

/**
 * A sum shown as credited to the reader ("+$189", "+29,738$", "+ 0.5 BTC"): balance-credited
 * lures show the gain as a signed amount.
 */
const CREDITED_SUM = /(?:^|[\s(:])\+\s?(?:[$€£]\s?\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?|\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,8})?\s?(?:[$€£]|usdt|usd|btc|eth|eur)(?![a-z]))/i;

/** Value of a context cue, like a medium phrase. */
const CUE = 0.3;

/**
 * A request to carry on in a chat app ("message me on WhatsApp", "add our HR on Telegram",
 * "wa.me/…", "t.me/…"): task and job scams leave email for an app where no filter reads along.
 */
const CHAT_APP_CONTACT =
  /\b(?:on|via|through|using|por|pelo|pela|no|na|al|sur|par|auf|per|über|uber|su|op|em)\s+(?:whats\s?app|telegram|signal|wechat|viber)\b|\b(?:whats\s?app|telegram)\s*(?:number|no|nr|numero|número|nummer)?\s*[:.]?\s*\+?\d[\d\s-]{6,20}|\b(?:wa\.me|t\.me|api\.whatsapp\.com|chat\.whatsapp\.com)\//i;

/**
 * A rate of pay for a day, week, hour, task or order ("$500 a day", "€80 per task",
 * "200 USD/week", "R$ 300 por dia"): honest adverts state pay too, so this only supports
 * job-scam words.
 */
const PAY_RATE =
  /(?:(?:us\s?\$|r\$|\$|€|£)\s?\d[\d.,]{0,15}|\d[\d.,]{0,15}\s?(?:\$|€|£|usd|eur|euros?|dollars?|reais|pounds?))\s?(?:\/\s?|(?:a|an|per|each|every|por|al|ao|par|pro|am|la|il)\s+)(?:day|dia|día|jour|tag|giorno|dag|week|semana|semaine|woche|settimana|hour|hr|hora|heure|stunde|ora|uur|task|order|tarea|tarefa|pedido|tache|tâche|aufgabe|compito|taak)\b/i;

/**
 * The lure families that are told by their words alone: advance-fee and inheritance, prizes and
 * surveys, crypto, sextortion, parcels and customs fees, romance, miracle offers and requests
 * for personal data. A large sum of money supports advance-fee language, a Bitcoin address
 * supports crypto and sextortion language and a sum shown as credited ("+$189") supports crypto
 * language (none of them counts without the words). Job and task scams are told by pay per task or
 * per day from home, no interview or experience, upfront deposits that unlock tasks; a request to
 * continue on WhatsApp or Telegram and a stated pay rate support those words.
 */
export function analyseScamFamilies(view: MessageView): Map<LureCategory, Scored> {
  const results = new Map<LureCategory, Scored>();
  const text = `${view.subject.subject}\n${view.bodyText}`;
  const sum = matchesOf(view, 'advance_fee').some((match) => match.tier !== 'weak') ? LARGE_SUM.exec(text) : null;
  const wallet = matchesOf(view, 'sextortion').length + matchesOf(view, 'crypto').length > 0 ? BITCOIN_ADDRESS.exec(text) : null;
  const credited = matchesOf(view, 'crypto').some((match) => match.tier !== 'weak') ? CREDITED_SUM.exec(text) : null;
  // "Job" and "hiring" alone are no scam: the cues count only beside job-scam words.
  const jobWords = matchesOf(view, 'job').some((match) => match.tier !== 'weak');
  const chatApp = jobWords ? CHAT_APP_CONTACT.exec(text) : null;
  const payRate = jobWords ? PAY_RATE.exec(text) : null;

  const cues: Partial<Record<LureCategory, { value: number; evidence: string }[]>> = {
    advance_fee: sum === null ? [] : [{ value: CUE, evidence: `large sum ${sum[0].trim()}` }],
    sextortion: wallet === null ? [] : [{ value: CUE, evidence: `bitcoin address ${wallet[0]}` }],
    crypto: [
      ...(wallet === null ? [] : [{ value: CUE, evidence: `bitcoin address ${wallet[0]}` }]),
      ...(credited === null ? [] : [{ value: CUE, evidence: `credited sum ${credited[0].trim()}` }]),
    ],
    job: [
      ...(chatApp === null ? [] : [{ value: CUE, evidence: `asks to continue on a chat app: ${chatApp[0].trim()}` }]),
      ...(payRate === null ? [] : [{ value: CUE, evidence: `pay rate ${payRate[0].trim()}` }]),
    ],
  };
  const families: LureCategory[] = ['advance_fee', 'prize', 'crypto', 'sextortion', 'delivery', 'authority', 'scareware', 'romance', 'job', 'spam_offer', 'personal_data'];
  for (const category of families) {
    const matches = matchesOf(view, category);
    if (matches.length === 0) continue;
    const scored = scoreCategory(category, matches, cues[category] ?? []);
    if (scored !== null) results.set(category, MARKETING_LIKE.has(category) ? mitigatedForOwnService(view, scored, true) : scored);
  }
  return results;
}
