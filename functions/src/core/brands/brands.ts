/**
 * Brands most often impersonated in phishing (per the recurring brand-phishing reports of
 * Check Point, Proofpoint and the APWG: technology, parcel carriers, banks, payment and
 * crypto services, tech-support scams), with the registrable domains they really send from.
 *
 * Accuracy matters more than size here: a domain missing from `domains` makes the brand's
 * genuine mail look like impersonation (a false positive), and a wrong domain whitelists a
 * phisher. Only domains the brand is known to own are listed; everything is lower case.
 */
export interface Brand {
  /** Shown in findings. */
  name: string;
  /**
   * Display-name phrases that claim the brand wherever they appear ("PayPal Service",
   * "Alice via DocuSign"). Words separated by single spaces, ASCII lower case.
   */
  keywords: string[];
  /**
   * Words that are also everyday words or personal names ("Chase", "Apple", "UPS", "Zoom").
   * They claim the brand only when every other word of the display name is a service word
   * ("Apple Support", "UPS", "Chase Alerts"), so "Chase Miller" or "Start-Ups Weekly" do not.
   */
  ambiguousKeywords?: string[];
  /** Registrable domains the brand sends from; a sender there or on a subdomain is the brand. */
  domains: string[];
  /**
   * Registrable domains the brand owns where anyone can get an address or tenant (gmail.com,
   * outlook.com, onmicrosoft.com). Never reported as lookalikes, but a brand claim from them
   * is not the brand writing: the brand does not mail customers from a consumer mailbox.
   */
  openDomains?: string[];
  /**
   * Distinctive labels (the part left of the public suffix) whose lookalikes are reported:
   * homoglyph skeletons, small edit distances and the label embedded in a longer label
   * ("paypal-secure-login"). Need not be owned domains ("appleid").
   */
  lookalikeLabels: string[];
  /**
   * Labels that are ordinary words ("chase", "zoom"): only homoglyph lookalikes ("cһase" with a
   * Cyrillic h) are reported, never edit distances or embeddings ("chase-realty" is a business).
   */
  ambiguousLabels?: string[];
  /**
   * The brand's lookalike and ambiguous labels under any public suffix are the brand
   * (amazon.de, paypal.co.uk, dhl.fr): brands of this kind run a site per country and listing
   * them all is impossible. Registries' trademark protection makes squatting these rare.
   */
  countryVariants?: boolean;
}

export const BUILTIN_BRANDS: readonly Brand[] = [
  {
    name: 'Microsoft',
    keywords: [
      'microsoft',
      'office 365',
      'office365',
      'o365',
      'microsoft 365',
      'onedrive',
      'one drive',
      'sharepoint',
      'share point',
      'hotmail',
      'outlook web',
      'outlook team',
      'outlook com',
      'skype',
      'xbox',
    ],
    ambiguousKeywords: ['outlook', 'azure'],
    domains: [
      'microsoft.com',
      'microsoftonline.com',
      'office.com',
      'office365.com',
      'microsoft365.com',
      'sharepointonline.com',
      'onedrive.com',
      'skype.com',
      'xbox.com',
      'azure.com',
      'bing.com',
    ],
    openDomains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'onmicrosoft.com', 'sharepoint.com'],
    lookalikeLabels: ['microsoft', 'microsoftonline', 'office365', 'microsoft365', 'sharepoint', 'onedrive', 'hotmail', 'outlook'],
    ambiguousLabels: ['office', 'live', 'azure'],
  },
  {
    name: 'Google',
    keywords: ['google', 'gmail', 'youtube', 'gsuite', 'g suite', 'google workspace'],
    domains: ['google.com', 'youtube.com', 'withgoogle.com', 'google-analytics.com'],
    openDomains: ['gmail.com', 'googlemail.com', 'googlegroups.com', 'googleusercontent.com', 'googleapis.com', 'blogger.com'],
    lookalikeLabels: ['google', 'gmail', 'googlemail', 'youtube'],
    countryVariants: true,
  },
  {
    name: 'Apple',
    keywords: ['apple id', 'appleid', 'icloud', 'itunes', 'app store', 'apple pay', 'apple support', 'apple music'],
    ambiguousKeywords: ['apple'],
    domains: ['apple.com', 'itunes.com', 'icloud-content.com'],
    openDomains: ['icloud.com', 'me.com', 'mac.com'],
    lookalikeLabels: ['icloud', 'itunes', 'appleid'],
    ambiguousLabels: ['apple'],
  },
  {
    name: 'Amazon',
    keywords: ['amazon', 'prime video', 'amazon prime', 'amazon web services'],
    ambiguousKeywords: ['aws'],
    domains: [
      'amazon.com',
      'amazonaws.com',
      'primevideo.com',
      'amazon.jobs',
      'media-amazon.com',
      'images-amazon.com',
      'ssl-images-amazon.com',
      'amazon-adsystem.com',
    ],
    // SES sends for any customer (From is the customer's domain; only bounces use amazonses.com).
    openDomains: ['amazonses.com'],
    lookalikeLabels: ['amazon', 'primevideo'],
    countryVariants: true,
  },
  {
    name: 'PayPal',
    keywords: ['paypal', 'pay pal'],
    domains: ['paypal.com', 'paypal-community.com', 'paypal-communication.com', 'paypalobjects.com'],
    lookalikeLabels: ['paypal'],
    countryVariants: true,
  },
  {
    name: 'Venmo',
    keywords: ['venmo'],
    domains: ['venmo.com'],
    lookalikeLabels: ['venmo'],
  },
  {
    name: 'DHL',
    keywords: ['dhl'],
    domains: ['dhl.com', 'dpdhl.com'],
    lookalikeLabels: ['dhl'],
    countryVariants: true,
  },
  {
    name: 'FedEx',
    keywords: ['fedex', 'fed ex', 'federal express'],
    domains: ['fedex.com'],
    lookalikeLabels: ['fedex'],
  },
  {
    name: 'UPS',
    keywords: ['united parcel service', 'ups my choice'],
    ambiguousKeywords: ['ups'],
    domains: ['ups.com'],
    lookalikeLabels: [],
    ambiguousLabels: ['ups'],
  },
  {
    name: 'USPS',
    keywords: ['usps', 'us postal service', 'united states postal service', 'u s postal service'],
    domains: ['usps.com', 'usps.gov'],
    lookalikeLabels: ['usps'],
  },
  {
    name: 'Royal Mail',
    keywords: ['royal mail', 'royalmail'],
    domains: ['royalmail.com', 'royalmail.co.uk'],
    lookalikeLabels: ['royalmail'],
    countryVariants: true,
  },
  {
    name: 'Netflix',
    keywords: ['netflix'],
    domains: ['netflix.com'],
    lookalikeLabels: ['netflix'],
  },
  {
    name: 'Spotify',
    keywords: ['spotify'],
    domains: ['spotify.com'],
    lookalikeLabels: ['spotify'],
  },
  {
    name: 'Meta / Facebook',
    keywords: ['facebook', 'meta business', 'meta for business', 'meta support', 'meta ads', 'meta verified', 'meta pro'],
    ambiguousKeywords: ['meta'],
    domains: ['facebook.com', 'facebookmail.com', 'fb.com', 'meta.com'],
    lookalikeLabels: ['facebook', 'facebookmail'],
    ambiguousLabels: ['meta'],
  },
  {
    name: 'Instagram',
    keywords: ['instagram'],
    domains: ['instagram.com', 'facebookmail.com'],
    lookalikeLabels: ['instagram'],
  },
  {
    name: 'WhatsApp',
    keywords: ['whatsapp', 'whats app'],
    domains: ['whatsapp.com'],
    lookalikeLabels: ['whatsapp'],
  },
  {
    name: 'LinkedIn',
    keywords: ['linkedin', 'linked in'],
    domains: ['linkedin.com'],
    lookalikeLabels: ['linkedin'],
  },
  {
    name: 'Twitter / X',
    keywords: ['twitter'],
    domains: ['twitter.com', 'x.com'],
    lookalikeLabels: ['twitter'],
  },
  {
    name: 'DocuSign',
    keywords: ['docusign', 'docu sign'],
    domains: ['docusign.com', 'docusign.net'],
    lookalikeLabels: ['docusign'],
  },
  {
    name: 'Dropbox',
    keywords: ['dropbox'],
    domains: ['dropbox.com', 'dropboxmail.com'],
    lookalikeLabels: ['dropbox', 'dropboxmail'],
  },
  {
    name: 'WeTransfer',
    keywords: ['wetransfer', 'we transfer'],
    domains: ['wetransfer.com'],
    lookalikeLabels: ['wetransfer'],
  },
  {
    name: 'Adobe',
    keywords: ['adobe', 'acrobat'],
    domains: ['adobe.com', 'adobesign.com', 'echosign.com'],
    lookalikeLabels: ['adobe', 'adobesign'],
  },
  {
    name: 'Zoom',
    keywords: ['zoom video communications', 'zoom meetings', 'zoom video'],
    ambiguousKeywords: ['zoom'],
    domains: ['zoom.us', 'zoom.com'],
    lookalikeLabels: [],
    ambiguousLabels: ['zoom'],
  },
  {
    name: 'Intuit',
    keywords: ['intuit', 'quickbooks', 'turbotax'],
    domains: ['intuit.com', 'quickbooks.com', 'turbotax.com'],
    lookalikeLabels: ['intuit', 'quickbooks', 'turbotax'],
  },
  {
    name: 'Norton',
    keywords: ['norton antivirus', 'norton 360', 'norton security', 'norton lifelock', 'lifelock', 'nortonlifelock'],
    ambiguousKeywords: ['norton'],
    domains: ['norton.com', 'nortonlifelock.com', 'lifelock.com', 'gendigital.com'],
    lookalikeLabels: ['nortonlifelock', 'lifelock'],
    ambiguousLabels: ['norton'],
  },
  {
    name: 'McAfee',
    keywords: ['mcafee', 'mc afee'],
    domains: ['mcafee.com'],
    lookalikeLabels: ['mcafee'],
  },
  {
    name: 'Geek Squad',
    keywords: ['geek squad', 'geeksquad'],
    domains: ['geeksquad.com', 'bestbuy.com'],
    lookalikeLabels: ['geeksquad'],
  },
  {
    name: 'Wells Fargo',
    keywords: ['wells fargo', 'wellsfargo'],
    domains: ['wellsfargo.com', 'wellsfargoadvisors.com'],
    lookalikeLabels: ['wellsfargo'],
  },
  {
    name: 'Chase',
    keywords: ['jpmorgan', 'jp morgan', 'chase bank', 'chase online', 'chase alerts', 'jpmorgan chase'],
    ambiguousKeywords: ['chase'],
    domains: ['chase.com', 'jpmorgan.com', 'jpmorganchase.com'],
    lookalikeLabels: ['jpmorgan', 'jpmorganchase'],
    ambiguousLabels: ['chase'],
  },
  {
    name: 'Bank of America',
    keywords: ['bank of america', 'bankofamerica'],
    domains: ['bankofamerica.com'],
    lookalikeLabels: ['bankofamerica'],
  },
  {
    name: 'Citi',
    keywords: ['citibank', 'citi cards', 'citicards'],
    ambiguousKeywords: ['citi'],
    domains: ['citi.com', 'citibank.com', 'citicards.com', 'citigroup.com'],
    lookalikeLabels: ['citibank', 'citicards'],
    ambiguousLabels: ['citi'],
  },
  {
    name: 'Capital One',
    keywords: ['capital one', 'capitalone'],
    domains: ['capitalone.com'],
    lookalikeLabels: ['capitalone'],
  },
  {
    name: 'HSBC',
    keywords: ['hsbc'],
    domains: ['hsbc.com'],
    lookalikeLabels: ['hsbc'],
    countryVariants: true,
  },
  {
    name: 'American Express',
    keywords: ['american express', 'americanexpress', 'amex'],
    domains: ['americanexpress.com', 'aexp.com'],
    lookalikeLabels: ['americanexpress'],
  },
  {
    name: 'Mastercard',
    keywords: ['mastercard', 'master card'],
    domains: ['mastercard.com'],
    lookalikeLabels: ['mastercard'],
  },
  {
    name: 'Visa',
    keywords: [],
    ambiguousKeywords: ['visa'],
    domains: ['visa.com'],
    lookalikeLabels: [],
    ambiguousLabels: ['visa'],
  },
  {
    name: 'Coinbase',
    keywords: ['coinbase'],
    domains: ['coinbase.com'],
    lookalikeLabels: ['coinbase'],
  },
  {
    name: 'Binance',
    keywords: ['binance'],
    domains: ['binance.com'],
    lookalikeLabels: ['binance'],
    countryVariants: true,
  },
  {
    name: 'MetaMask',
    keywords: ['metamask', 'meta mask'],
    domains: ['metamask.io', 'consensys.io', 'consensys.net'],
    lookalikeLabels: ['metamask'],
  },
  {
    name: 'Trust Wallet',
    keywords: ['trust wallet', 'trustwallet'],
    domains: ['trustwallet.com'],
    lookalikeLabels: ['trustwallet'],
  },
  {
    name: 'Ledger',
    keywords: ['ledger live', 'ledger wallet'],
    ambiguousKeywords: ['ledger'],
    domains: ['ledger.com'],
    lookalikeLabels: [],
    ambiguousLabels: ['ledger'],
  },
  {
    name: 'eBay',
    keywords: ['ebay'],
    domains: ['ebay.com'],
    lookalikeLabels: ['ebay'],
    countryVariants: true,
  },
  {
    name: 'Walmart',
    keywords: ['walmart', 'wal mart'],
    domains: ['walmart.com'],
    lookalikeLabels: ['walmart'],
  },
  {
    name: 'Yahoo',
    keywords: ['yahoo'],
    domains: ['yahoo-inc.com'],
    openDomains: ['yahoo.com', 'ymail.com'],
    lookalikeLabels: ['yahoo'],
  },
  {
    name: 'Booking.com',
    keywords: ['booking com'],
    domains: ['booking.com'],
    lookalikeLabels: [],
    ambiguousLabels: ['booking'],
  },
  {
    name: 'Airbnb',
    keywords: ['airbnb'],
    domains: ['airbnb.com'],
    lookalikeLabels: ['airbnb'],
    countryVariants: true,
  },
  {
    name: 'Steam',
    keywords: ['steam support', 'steam community', 'steampowered', 'steam guard'],
    ambiguousKeywords: ['steam'],
    domains: ['steampowered.com', 'steamcommunity.com'],
    lookalikeLabels: ['steampowered', 'steamcommunity'],
  },
  {
    name: 'IRS',
    keywords: ['internal revenue service'],
    ambiguousKeywords: ['irs'],
    domains: ['irs.gov'],
    lookalikeLabels: [],
    ambiguousLabels: ['irs'],
  },
];

/**
 * Words that describe a service rather than name someone: a display name made only of these
 * and a brand word ("PayPal Customer Service", "Microsoft 365 Admin") claims to BE the brand.
 * Words that suggest a third party writing about the brand (news, weekly, tips, partner) are
 * deliberately absent, so "Azure Weekly" stays a weak claim.
 */
export const SERVICE_WORDS: ReadonlySet<string> = new Set([
  'a', 'account', 'accounts', 'admin', 'administrator', 'administration', 'alert', 'alerts', 'and', 'app', 'apps',
  'assistance', 'auto', 'automated', 'bank', 'banking', 'billing', 'business', 'care', 'card', 'cards', 'center',
  'centre', 'cloud', 'co', 'com', 'communication', 'communications', 'confirmation', 'corp', 'corporation',
  'customer', 'customers', 'delivery', 'department', 'dept', 'desk', 'do', 'document', 'documents', 'docs', 'drive',
  'email', 'express', 'file', 'files', 'for', 'fraud', 'from', 'global', 'group', 'help', 'helpdesk', 'id', 'inc',
  'info', 'information', 'international', 'invoice', 'invoices', 'it', 'llc', 'login', 'ltd', 'mail', 'mailbox',
  'member', 'members', 'message', 'messages', 'my', 'net', 'no', 'noreply', 'not', 'notice', 'notification',
  'notifications', 'of', 'office', 'official', 'online', 'order', 'orders', 'package', 'parcel', 'password', 'pay',
  'payment', 'payments', 'plus', 'portal', 'premium', 'prevention', 'prime', 'pro', 'protect', 'protection',
  'reward', 'rewards', 'reply', 'secure', 'security', 'service', 'services', 'share', 'shared', 'shipment', 'shipping',
  'sign', 'signature', 'storage', 'store', 'support', 'system', 'team', 'the', 'tracking', 'uk', 'update',
  'updates', 'us', 'usa', 'user', 'verification', 'verified', 'verify', 'wallet', 'web', 'webmail', 'your',
]);
