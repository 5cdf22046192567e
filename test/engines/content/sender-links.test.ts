import { finding, has, mail, passingAuth, scan } from './helpers';

const PROMO =
  '<p>Hear better, live better. Discover the hearing aid everyone is talking about: discreet, ' +
  'comfortable and affordable. Order today and save on your first pair.</p>';
const IMAGE = '<img src="https://cdn.example.com/hero.jpg" width="600" height="300" alt="">';

describe('content.unrelated_links', () => {
  it('is raised by marketing HTML from an unauthenticated sender whose links all go elsewhere', () => {
    const output = scan(
      mail({
        from: 'offers_4412@x.y.promo-mailer.example.net',
        fromName: 'Hearing Deals',
        html: `${IMAGE}${PROMO}<a href="https://landing.shop-example.com/atom">Order now</a>`,
      }),
    );
    const found = finding(output, 'content.unrelated_links');
    expect(found.score).toBe(25);
    expect(found.evidence[0]).toContain('example.net');
    expect(found.evidence[0]).toContain('shop-example.com');
    // Supporting only: it lifts a lure but alone never reaches the suspicious threshold (50).
    expect(output.score).toBeLessThan(50);
  });

  it('is raised without images when the links go to several other sites', () => {
    const html = `${PROMO}<a href="https://one.example.com/">Order</a> <a href="https://two.example.org/">Learn more</a>`;
    expect(has(scan(mail({ from: 'news@mailer.example.net', html })), 'content.unrelated_links')).toBe(true);
  });

  it('is not raised for an authenticated newsletter, even one linking to other sites', () => {
    // A real-world newsletter: the publisher authenticates its domain and curates links to articles.
    const html =
      `${IMAGE}<h1>This week in gardening</h1><p>Our picks: ` +
      '<a href="https://www.rhs.example.org/roses">pruning roses</a>, ' +
      '<a href="https://blog.seeds.example.com/tomatoes">early tomatoes</a>.</p>';
    expect(has(scan(mail({ from: 'digest@gardenweekly.example.net', html, auth: passingAuth('gardenweekly.example.net') })), 'content.unrelated_links')).toBe(false);
  });

  it('is not raised for ESP-sent marketing through a click tracker, nor for mail linking to its own site', () => {
    // An ESP-sent campaign: every link goes through the provider's tracker.
    const esp = `${IMAGE}${PROMO}<a href="https://u123.ct.sendgrid.net/ls/click?upn=abc">Shop the sale</a>`;
    expect(has(scan(mail({ from: 'news@brand.example.com', html: esp })), 'content.unrelated_links')).toBe(false);
    // A receipt: logo, order link on the shop's own domain and a carrier's tracking page.
    const receipt =
      `${IMAGE}<p>Thanks for your order #1042. Total $42.10.</p>` +
      '<a href="https://shop.example.com/orders/1042">View order</a> <a href="https://tracking.carrier.example.org/1Z999">Track parcel</a>';
    expect(has(scan(mail({ from: 'orders@shop.example.com', html: receipt })), 'content.unrelated_links')).toBe(false);
  });

  it('is not raised for people writing from a consumer mailbox, plain-text mail or a single plain link', () => {
    const html = `${IMAGE}<p>Photos from Saturday are up!</p><a href="https://photos.example.com/album/1">Album</a>`;
    expect(has(scan(mail({ from: 'alice@gmail.com', html })), 'content.unrelated_links')).toBe(false);
    expect(has(scan(mail({ from: 'dev@company.example.net', text: 'See https://github.com/org/repo/pull/12 and https://lwn.net/x' })), 'content.unrelated_links')).toBe(false);
    const oneLink = '<p>The patch is at <a href="https://github.com/org/repo/pull/12">PR 12</a>.</p>';
    expect(has(scan(mail({ from: 'dev@company.example.net', html: oneLink })), 'content.unrelated_links')).toBe(false);
  });
});

describe('content.contact_elsewhere', () => {
  it('is raised when the body asks for replies at another consumer mailbox', () => {
    const output = scan(
      mail({
        from: 'support@hacked-site.example.net',
        text: "Hi. How are you? I am a lonely girl from Kyiv. Reply me at anna.k1990@gmail.com and I will send you my photo.",
      }),
    );
    const found = finding(output, 'content.contact_elsewhere');
    expect(found.score).toBe(25);
    expect(found.evidence[0]).toContain('anna.k1990@gmail.com');
    expect(has(scan(mail({ text: 'Kindly contact my private email: barrister.j@yahoo.co.uk for the details.' })), 'content.contact_elsewhere')).toBe(true);
  });

  it('is not raised for the sender\'s own address, company addresses or quoted attributions', () => {
    expect(has(scan(mail({ from: 'bob@gmail.com', text: 'Reply to me at bob@gmail.com when you are back.' })), 'content.contact_elsewhere')).toBe(false);
    expect(has(scan(mail({ text: 'For support, contact us at help@shop.example.com.' })), 'content.contact_elsewhere')).toBe(false);
    const quoted = 'Thanks, applied.\n\nOn Mon, 3 Jun 2024, Jan Kiszka <jan.kiszka@gmail.com> wrote:\n> the patch';
    expect(has(scan(mail({ text: quoted })), 'content.contact_elsewhere')).toBe(false);
  });
});

describe('romance phrases for contact spam', () => {
  it('reads "I\'m a lonely … miss", "I can send you my photo" and "looking for a charming man"', () => {
    const text = "I'm a lonely 28 years old miss from Moldova. Now I am looking for charming man. I can send you my photo.";
    expect(has(scan(mail({ text })), 'content.romance_lure')).toBe(true);
    expect(has(scan(mail({ text: 'We are looking for volunteers for the Saturday hike; I can send you the photos from last year later.' })), 'content.romance_lure')).toBe(false);
  });
});
