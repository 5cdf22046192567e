/**
 * Consumer mailbox providers: anyone can open an address there in a minute, so a company or
 * brand never needs one for its business mail. A Reply-To or Return-Path there behind a
 * company From is the classic shape of business-email compromise.
 */
const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com',
  'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'passport.com',
  'yahoo.com', 'ymail.com', 'rocketmail.com',
  'aol.com', 'aim.com',
  'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me',
  'tutanota.com', 'tutanota.de', 'tuta.io', 'tuta.com',
  'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de',
  'mail.com', 'email.com', 'zohomail.com', 'fastmail.com', 'hushmail.com', 'hey.com',
  'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'rambler.ru',
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sohu.com', 'aliyun.com',
  'naver.com', 'daum.net', 'hanmail.net',
  'libero.it', 'virgilio.it', 'laposte.net', 'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr',
  'btinternet.com', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'cox.net',
  'rediffmail.com', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'wp.pl', 'o2.pl', 'interia.pl', 'seznam.cz',
]);

/** Providers that run one mailbox domain per country under the same label (yahoo.co.uk, hotmail.fr). */
const FREEMAIL_LABELS: ReadonlySet<string> = new Set(['yahoo', 'hotmail', 'outlook', 'live', 'gmx', 'aol']);

/**
 * Whether a registrable domain is a consumer mailbox provider.
 * @param registrableDomain e.g. `gmail.com`, `yahoo.co.uk`
 * @param label the registrable domain without its public suffix (`yahoo` for yahoo.co.uk)
 */
export function isFreemail(registrableDomain: string, label: string): boolean {
  return FREEMAIL_DOMAINS.has(registrableDomain) || FREEMAIL_LABELS.has(label);
}
