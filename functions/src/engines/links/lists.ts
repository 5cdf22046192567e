/**
 * Reference lists the links engine ships with. Every entry is a lower-case ASCII domain matched
 * against a host and its parent domains unless stated otherwise. Sources and reasoning are in
 * docs/engines/links.md; deployments extend them through the engine config.
 */

/** URL shorteners: the destination is hidden until clicked, so a display check cannot see it. */
export const SHORTENER_DOMAINS: readonly string[] = [
  'bit.ly', 'bitly.com', 'j.mp', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'v.gd', 'buff.ly',
  'rebrand.ly', 'cutt.ly', 'shorturl.at', 'rb.gy', 't.ly', 'tiny.cc', 's.id', 'tiny.one', 'shorturl.asia',
  'bl.ink', 'short.io', 'shorte.st', 'adf.ly', 'bit.do', 'clck.ru', 'qr.ae', 'lnkd.in', 'soo.gd', 'x.gd',
  'urlz.fr', 'u.to', 'surl.li', 'tr.ee', 'shrtco.de', 'gg.gg', 'y2u.be', 'hyperurl.co', 'bitly.ws', 'lnk.bio',
  'qrco.de', 'short.gy', 'tinu.be', 'urlr.me', 'ln.run', 'zpr.io', 'page.link',
];

/**
 * Registrable domains of email service providers' click trackers. A link whose text shows one
 * site but whose href goes through one of these is ordinary newsletter plumbing, so a display
 * mismatch there scores low on its own.
 */
export const CLICK_TRACKER_DOMAINS: readonly string[] = [
  // Twilio SendGrid, Mailchimp/Mandrill, Mailgun, SparkPost, Postmark
  'sendgrid.net', 'sendgrid.com', 'list-manage.com', 'mailchimp.com', 'mcsv.net', 'mandrillapp.com', 'mailgun.org',
  'sparkpostmail.com', 'spmailtechn.com', 'pstmrk.it',
  // Salesforce Marketing Cloud / Pardot, Oracle Eloqua and Responsys, Adobe Marketo, Acoustic
  'exct.net', 'pardot.com', 'en25.com', 'eloqua.com', 'rsys2.net', 'rsys3.net', 'rsys4.net', 'rsys5.net',
  'mktoweb.com',
  // Constant Contact, Campaign Monitor, Mailjet, Brevo, Klaviyo, HubSpot, ActiveCampaign, AWeber, GetResponse
  'rs6.net', 'createsend.com', 'createsend1.com', 'cmail1.com', 'cmail2.com', 'cmail19.com', 'cmail20.com',
  'mjt.lu', 'sendibt2.com', 'sendibt3.com', 'sendibm1.com', 'sp1-brevo.net', 'klclick.com', 'klclick1.com',
  'klclick2.com', 'klclick3.com', 'klaviyomail.com', 'hubspotlinks.com', 'hubspotemail.net',
  'acemlna.com', 'acemlnb.com', 'acemlnc.com', 'acemlnd.com', 'aweber.com', 'gr8.com',
  // MailerLite, ConvertKit/Kit, beehiiv, Substack, Zoho Campaigns, Emarsys, Iterable, Customer.io, Benchmark
  'mlsend.com', 'mailerlite.com', 'convertkit-mail.com', 'convertkit-mail2.com', 'beehiiv.com',
  'substack.com', 'maillist-manage.com', 'maillist-manage.eu', 'emarsys.net', 'iterable.com', 'customeriomail.com',
  'bmetrack.com', 'icptrack.com', 'emltrk.com', 'stat-pulse.com', 'omnisrv.com', 'sailthru.com',
  // Sales and personal trackers, ad click servers
  'mailtrack.io', 'mixmax.com', 'yesware.com', 'hs-sales-engage.com', 'doubleclick.net', 'awstrack.me',
];

/**
 * Hosting where anyone can publish a page in minutes, heavily used for phishing landing pages and
 * credential-harvesting forms. Each entry carries its own score: services that are also everyday
 * tools (GitHub Pages, Google Forms) score lower than tunnels and IPFS gateways, which ordinary
 * mail almost never links to. `pathPrefix` restricts an entry to part of a shared host.
 */
export interface FreeHostingEntry {
  domain: string;
  pathPrefix?: string;
  score: number;
  label: string;
}

export const FREE_HOSTING: readonly FreeHostingEntry[] = [
  { domain: 'firebaseapp.com', score: 25, label: 'Firebase Hosting' },
  { domain: 'web.app', score: 25, label: 'Firebase Hosting' },
  { domain: 'firebasestorage.googleapis.com', score: 30, label: 'Firebase Storage' },
  { domain: 'storage.googleapis.com', score: 25, label: 'Google Cloud Storage' },
  { domain: 'appspot.com', score: 20, label: 'Google App Engine' },
  { domain: 'run.app', score: 20, label: 'Google Cloud Run' },
  { domain: 'cloudfunctions.net', score: 20, label: 'Google Cloud Functions' },
  { domain: 'sites.google.com', score: 20, label: 'Google Sites' },
  { domain: 'docs.google.com', pathPrefix: '/forms/', score: 15, label: 'Google Forms' },
  { domain: 'docs.google.com', pathPrefix: '/drawings/', score: 20, label: 'Google Drawings' },
  // "Publish to the web" copies (`/d/e/2PACX-…/pub`): a public page anyone can make, often a
  // one-slide lure whose button leads on to the real phishing site.
  { domain: 'docs.google.com', pathPrefix: '/presentation/d/e/', score: 20, label: 'Google Slides published to the web' },
  { domain: 'docs.google.com', pathPrefix: '/document/d/e/', score: 20, label: 'Google Docs published to the web' },
  { domain: 'docs.google.com', pathPrefix: '/spreadsheets/d/e/', score: 20, label: 'Google Sheets published to the web' },
  { domain: 'script.google.com', pathPrefix: '/macros/', score: 30, label: 'Google Apps Script web app' },
  { domain: 'forms.gle', score: 15, label: 'Google Forms' },
  { domain: 'forms.office.com', score: 15, label: 'Microsoft Forms' },
  { domain: 'forms.yandex.com', score: 15, label: 'Yandex Forms' },
  { domain: 'forms.yandex.ru', score: 15, label: 'Yandex Forms' },
  { domain: 'blob.core.windows.net', score: 30, label: 'Azure Blob Storage' },
  { domain: 'web.core.windows.net', score: 30, label: 'Azure Static Website' },
  { domain: 'azurewebsites.net', score: 20, label: 'Azure App Service' },
  { domain: 's3.amazonaws.com', score: 20, label: 'Amazon S3' },
  { domain: 'amplifyapp.com', score: 20, label: 'AWS Amplify' },
  { domain: 'r2.dev', score: 30, label: 'Cloudflare R2' },
  { domain: 'pages.dev', score: 25, label: 'Cloudflare Pages' },
  { domain: 'workers.dev', score: 30, label: 'Cloudflare Workers' },
  { domain: 'trycloudflare.com', score: 45, label: 'Cloudflare quick tunnel' },
  { domain: 'ngrok.io', score: 45, label: 'ngrok tunnel' },
  { domain: 'ngrok.app', score: 45, label: 'ngrok tunnel' },
  { domain: 'ngrok-free.app', score: 45, label: 'ngrok tunnel' },
  { domain: 'ngrok-free.dev', score: 45, label: 'ngrok tunnel' },
  { domain: 'github.io', score: 10, label: 'GitHub Pages' },
  { domain: 'gitlab.io', score: 10, label: 'GitLab Pages' },
  { domain: 'netlify.app', score: 20, label: 'Netlify' },
  { domain: 'vercel.app', score: 20, label: 'Vercel' },
  { domain: 'herokuapp.com', score: 15, label: 'Heroku' },
  { domain: 'onrender.com', score: 20, label: 'Render' },
  { domain: 'fly.dev', score: 20, label: 'Fly.io' },
  { domain: 'glitch.me', score: 30, label: 'Glitch' },
  { domain: 'repl.co', score: 30, label: 'Replit' },
  { domain: 'replit.app', score: 25, label: 'Replit' },
  { domain: 'replit.dev', score: 30, label: 'Replit' },
  { domain: 'csb.app', score: 25, label: 'CodeSandbox' },
  { domain: 'surge.sh', score: 25, label: 'Surge' },
  { domain: 'weebly.com', score: 25, label: 'Weebly' },
  { domain: 'weeblysite.com', score: 25, label: 'Weebly' },
  { domain: 'wixsite.com', score: 20, label: 'Wix' },
  { domain: 'wixstudio.io', score: 20, label: 'Wix' },
  { domain: '000webhostapp.com', score: 45, label: '000webhost' },
  { domain: 'square.site', score: 15, label: 'Square Online' },
  { domain: 'godaddysites.com', score: 20, label: 'GoDaddy Websites' },
  { domain: 'webflow.io', score: 20, label: 'Webflow' },
  { domain: 'framer.app', score: 20, label: 'Framer' },
  { domain: 'framer.website', score: 20, label: 'Framer' },
  { domain: 'carrd.co', score: 20, label: 'Carrd' },
  { domain: 'jimdosite.com', score: 20, label: 'Jimdo' },
  { domain: 'mystrikingly.com', score: 20, label: 'Strikingly' },
  { domain: 'yolasite.com', score: 20, label: 'Yola' },
  { domain: 'blogspot.com', score: 15, label: 'Blogger' },
  { domain: 'notion.site', score: 15, label: 'Notion' },
  { domain: 'canva.site', score: 15, label: 'Canva' },
  { domain: 'myportfolio.com', score: 20, label: 'Adobe Portfolio' },
  { domain: 'bubbleapps.io', score: 20, label: 'Bubble' },
  { domain: 'backblazeb2.com', score: 25, label: 'Backblaze B2' },
  { domain: 'digitaloceanspaces.com', score: 20, label: 'DigitalOcean Spaces' },
  { domain: 'cprapid.com', score: 30, label: 'cPanel temporary domain' },
  { domain: 'ipfs.io', score: 45, label: 'IPFS gateway' },
  { domain: 'dweb.link', score: 45, label: 'IPFS gateway' },
  { domain: 'cloudflare-ipfs.com', score: 45, label: 'IPFS gateway' },
  { domain: 'w3s.link', score: 45, label: 'IPFS gateway' },
  { domain: 'nftstorage.link', score: 45, label: 'IPFS gateway' },
  { domain: 'pinata.cloud', score: 45, label: 'IPFS gateway' },
  { domain: 'fleek.co', score: 40, label: 'IPFS hosting' },
  // Free dynamic-DNS names: a home or rented machine under a throw-away name, no registration trail.
  ...[
    'duckdns.org', 'ddns.net', 'hopto.org', 'zapto.org', 'sytes.net', 'servehttp.com', 'serveftp.com', 'no-ip.org',
    'no-ip.biz', 'myftp.org', 'myvnc.com', 'redirectme.net', 'servebeer.com', 'serveblog.net', 'servegame.com',
    'dynu.net', 'freeddns.org', 'mywire.org', 'giize.com', 'gleeze.com', 'kozow.com', 'loseyourip.com', 'ooguy.com',
    'theworkpc.com', 'casacam.net', 'accesscam.org', 'camdvr.org', 'webredirect.org', 'ddnsfree.com', 'ddnsgeek.com',
    'mooo.com', 'chickenkiller.com', 'strangled.net', 'dyndns.org', 'homeip.net',
  ].map((domain) => ({ domain, score: 35, label: 'dynamic DNS' })),
  // Form back-ends: a form in mail posting here collects whatever was typed for a stranger.
  { domain: 'formspree.io', score: 30, label: 'Formspree form back-end' },
  { domain: 'submit-form.com', score: 30, label: 'Formspark form back-end' },
  { domain: 'getform.io', score: 30, label: 'Getform form back-end' },
  { domain: 'formsubmit.co', score: 30, label: 'FormSubmit form back-end' },
  { domain: 'api.telegram.org', score: 45, label: 'Telegram Bot API' },
];

/**
 * Cloud object storage and CDN default host names. They exist to serve files (images, downloads,
 * assets); a web page there, rather than under the publisher's own name, is how throw-away
 * phishing pages borrow a cloud provider's reputation (documented abuse of Google Cloud Storage,
 * Amazon S3, Azure Blob/static websites, Cloudflare R2, DigitalOcean Spaces and CDN front ends).
 * Only pages count (see pages.ts): images and downloads from these hosts are ordinary.
 * `staticWebsite`: the host serves a site's index at `/`, so a bare folder URL is a page too.
 */
export interface StorageHost {
  pattern: RegExp;
  label: string;
  staticWebsite: boolean;
}

export const STORAGE_HOSTS: readonly StorageHost[] = [
  { pattern: /(?:^|\.)s3-website[.-][a-z0-9-]+(?:\.[a-z0-9-]+)?\.amazonaws\.com$/, label: 'Amazon S3 static website', staticWebsite: true },
  { pattern: /(?:^|\.)s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/, label: 'Amazon S3 bucket', staticWebsite: false },
  { pattern: /(?:^|\.)(?:firebasestorage|storage)\.googleapis\.com$/, label: 'Google Cloud Storage bucket', staticWebsite: false },
  { pattern: /\.blob\.core\.windows\.net$/, label: 'Azure Blob Storage', staticWebsite: false },
  { pattern: /\.web\.core\.windows\.net$/, label: 'Azure Storage static website', staticWebsite: true },
  { pattern: /\.r2\.dev$/, label: 'Cloudflare R2 bucket', staticWebsite: true },
  { pattern: /\.digitaloceanspaces\.com$/, label: 'DigitalOcean Spaces bucket', staticWebsite: false },
  { pattern: /(?:^|\.)backblazeb2\.com$/, label: 'Backblaze B2 bucket', staticWebsite: false },
  { pattern: /\.linodeobjects\.com$/, label: 'Akamai/Linode Object Storage', staticWebsite: false },
  { pattern: /(?:^|\.)wasabisys\.com$/, label: 'Wasabi bucket', staticWebsite: false },
  { pattern: /\.aliyuncs\.com$/, label: 'Alibaba Cloud OSS bucket', staticWebsite: false },
  { pattern: /\.myqcloud\.com$/, label: 'Tencent Cloud COS bucket', staticWebsite: false },
  { pattern: /\.cloudfront\.net$/, label: 'Amazon CloudFront default host', staticWebsite: false },
  { pattern: /\.azureedge\.net$/, label: 'Azure CDN default host', staticWebsite: false },
  { pattern: /\.b-cdn\.net$/, label: 'Bunny CDN default host', staticWebsite: false },
  { pattern: /\.cdn77\.org$/, label: 'CDN77 default host', staticWebsite: false },
];

/**
 * TLDs over-represented in phishing relative to their size (Interisle Phishing Landscape 2023/2024,
 * Spamhaus most-abused TLDs), plus `.zip`/`.mov`, which look like file names. Weak alone: legitimate
 * sites live on every one of them.
 */
export const SUSPICIOUS_TLDS: readonly string[] = [
  'top', 'xyz', 'icu', 'cyou', 'buzz', 'rest', 'monster', 'sbs', 'cfd', 'bond', 'click', 'quest', 'lol', 'cam',
  'tk', 'ml', 'ga', 'cf', 'gq', 'zip', 'mov', 'online', 'site', 'shop', 'store', 'live',
];

/**
 * Frequently impersonated brands, grouped by owner: a link text showing any domain of a group is
 * honest when the href lands on any domain of the same group. Used to raise a display mismatch
 * from "odd" to "deceptive" and to spot look-alike IDNs.
 */
export const BRAND_DOMAIN_GROUPS: readonly (readonly string[])[] = [
  ['paypal.com', 'paypal.me', 'paypalobjects.com', 'paypal-communication.com'],
  // Only domains the owner publishes on: tenant- and user-content hosts (sharepoint.com, 1drv.ms,
  // googleusercontent.com, amazonaws.com) are left out because anyone can put a page there.
  ['microsoft.com', 'office.com', 'office365.com', 'live.com', 'outlook.com', 'microsoftonline.com', 'onedrive.com',
    'msn.com', 'azure.com', 'bing.com', 'aka.ms', 'microsoft365.com', 'skype.com'],
  ['google.com', 'gmail.com', 'youtube.com', 'youtu.be', 'goo.gl', 'g.co', 'withgoogle.com'],
  ['apple.com', 'icloud.com', 'apple.co', 'me.com'],
  ['amazon.com', 'amazon.co.uk', 'amazon.de', 'amazon.fr', 'amazon.it', 'amazon.es', 'amazon.ca', 'amazon.co.jp',
    'amazon.in', 'amazon.com.au', 'amazon.com.br', 'amazon.nl', 'amazon.pl', 'amazon.se', 'amzn.to',
    'a.co', 'primevideo.com'],
  ['facebook.com', 'fb.com', 'fb.me', 'instagram.com', 'whatsapp.com', 'meta.com', 'messenger.com'],
  ['netflix.com'],
  ['linkedin.com', 'lnkd.in'],
  ['twitter.com', 'x.com', 't.co'],
  ['dropbox.com', 'db.tt'],
  ['docusign.com', 'docusign.net'],
  ['adobe.com', 'adobesign.com', 'acrobat.com'],
  ['dhl.com', 'dhl.de'],
  ['fedex.com'],
  ['ups.com'],
  ['usps.com'],
  ['royalmail.com'],
  ['bankofamerica.com', 'bofa.com'],
  ['chase.com', 'jpmorganchase.com'],
  ['wellsfargo.com'],
  ['citi.com', 'citibank.com'],
  ['capitalone.com'],
  ['americanexpress.com', 'aexp.com'],
  ['hsbc.com', 'hsbc.co.uk'],
  ['barclays.co.uk', 'barclays.com'],
  ['lloydsbank.com'],
  ['natwest.com'],
  ['santander.com', 'santander.co.uk'],
  ['irs.gov'],
  ['hmrc.gov.uk'],
  ['coinbase.com'],
  ['binance.com'],
  ['blockchain.com'],
  ['metamask.io'],
  ['ebay.com'],
  ['walmart.com'],
  ['att.com'],
  ['verizon.com'],
  ['spotify.com'],
  ['steamcommunity.com', 'steampowered.com'],
  ['booking.com'],
  ['airbnb.com'],
  ['intuit.com', 'quickbooks.com'],
  ['zoom.us', 'zoom.com'],
  ['wetransfer.com', 'we.tl'],
  ['yahoo.com'],
  ['norton.com', 'nortonlifelock.com'],
  ['mcafee.com'],
];

/**
 * TLDs that are also common file extensions. A bare `name.tld` link text ending in one of these is
 * read as a file name (`README.md`, `setup.py`) rather than a claimed domain.
 */
export const FILE_EXTENSION_TLDS: readonly string[] = [
  'md', 'py', 'sh', 'rs', 'pl', 'pm', 'cc', 'so', 'ps', 'zip', 'mov', 'in', 'am', 'ac', 'mk', 'ml', 'sc', 'tf', 'ai',
  'st', 'ms', 'bz', 'cs', 'js', 'ts', 'rb', 'go', 'gz', 'xz', 'h', 'c', 'cpp', 'txt', 'pdf', 'doc', 'do', 'ini', 'cfg',
  'yml', 'yaml', 'json', 'xml', 'log', 'conf', 'diff', 'patch', 'exe', 'dll', 'bin', 'img', 'iso', 'ko', 'dts', 'dtb',
];
