import type { AttachmentInfo } from '../../../functions/src/core/subject/types';
import { button, finding, has, mail, passingAuth, scan } from './helpers';

function attached(filename: string, declaredType: string): AttachmentInfo {
  return {
    filename,
    declaredType,
    detectedType: null,
    detectedExtension: null,
    size: 1000,
    sha256: 'a'.repeat(64),
    disposition: 'attachment',
    contentId: null,
    members: [],
  };
}

const FILLER = 'our garden club meets on thursdays to discuss tomatoes roses and the spring fair schedule '.repeat(8);
const LURE = 'Your account has been suspended. Verify your account within 24 hours to avoid losing access.';

describe('content.brand_lure', () => {
  const paypalLure = {
    subject: 'PayPal: your account has been limited',
    html: `<p>${LURE}</p>${button('https://secure-check.example.top/', 'Restore access')}`,
  };

  it('is raised when a lure names a brand the sender domain is not', () => {
    const brand = finding(scan(mail({ ...paypalLure, from: 'service@notices.example.net', fromName: 'Customer Service' })), 'content.brand_lure');
    expect(brand.evidence[0]).toContain('PayPal');
    expect(brand.evidence[0]).toContain('example.net');
  });

  it('is not raised for the brand itself, without a lure, or when the display name already claims it', () => {
    expect(has(scan(mail({ ...paypalLure, from: 'service@paypal.com' })), 'content.brand_lure')).toBe(false);
    expect(has(scan(mail({ subject: 'Notes on the PayPal API migration', text: 'We moved checkout to the new PayPal SDK.' })), 'content.brand_lure')).toBe(false);
    // The auth engine reports display-name brand claims; content does not count the same signal.
    expect(has(scan(mail({ ...paypalLure, fromName: 'PayPal Service' })), 'content.brand_lure')).toBe(false);
  });

  it('is not raised when every link goes to the brand', () => {
    const html = `<p>${LURE}</p>${button('https://www.paypal.com/signin', 'Sign in')}`;
    expect(has(scan(mail({ subject: 'PayPal account notice', html })), 'content.brand_lure')).toBe(false);
  });

  it('watches configured brands', () => {
    const output = scan(mail({ subject: 'Acme Pay: verify your account', text: `${LURE} https://x.example.top/` }), {
      protectedBrands: [{ name: 'Acme Pay', keywords: ['acme pay'], domains: ['acmepay.com'] }],
      useBuiltinBrands: false,
    });
    expect(finding(output, 'content.brand_lure').evidence[0]).toContain('Acme Pay');
  });
});

describe('content.generic_greeting', () => {
  it('is raised by "Dear customer" and, stronger, by the email address used as a name', () => {
    expect(has(scan(mail({ text: 'Dear valued customer, thank you.' })), 'content.generic_greeting')).toBe(true);
    const address = finding(scan(mail({ text: 'Hello bob@example.org, your parcel is waiting.' })), 'content.generic_greeting');
    expect(address.evidence[0]).toBe('greets the reader as bob@example.org');
    const inSubject = finding(scan(mail({ subject: 'bob@example.org: action needed', text: 'See below.' })), 'content.generic_greeting');
    expect(inSubject.evidence[0]).toContain("subject names the recipient's address");
  });

  it('is not raised by a greeting with a name, and alone stays far from suspicious', () => {
    expect(has(scan(mail({ text: 'Dear Bob, the minutes are attached.' })), 'content.generic_greeting')).toBe(false);
    expect(scan(mail({ text: 'Dear customer, our opening hours change on Monday.' })).score).toBeLessThan(30);
  });
});

describe('content.fake_reply', () => {
  it('is raised by a "RE:" subject on a message that answers nothing', () => {
    expect(finding(scan(mail({ subject: 'RE: Outstanding invoice', text: 'See attached.' })), 'content.fake_reply').score).toBe(15);
    expect(has(scan(mail({ subject: 'AW: Termin', text: 'Passt.' })), 'content.fake_reply')).toBe(true);
  });

  it('is not raised on a real reply or a forward', () => {
    expect(has(scan(mail({ subject: 'Re: Outstanding invoice', text: 'Paid.', inReplyTo: 'abc@example.org' })), 'content.fake_reply')).toBe(false);
    expect(has(scan(mail({ subject: 'Fwd: Outstanding invoice', text: 'FYI' })), 'content.fake_reply')).toBe(false);
  });
});

describe('content.single_link_body', () => {
  it('is raised by a short body that is one action button', () => {
    const output = scan(mail({ html: `<p>You have a pending document.</p>${button('https://doc.example.top/v', 'Review Document')}` }));
    expect(finding(output, 'content.single_link_body').evidence[0]).toContain('Review Document');
  });

  it('is not raised for an authenticated sender linking to itself, or for a long message', () => {
    const own = mail({
      from: 'no-reply@example.com',
      auth: passingAuth('example.com'),
      html: `<p>Confirm your email to finish signing up.</p>${button('https://example.com/confirm', 'Confirm email')}`,
    });
    expect(has(scan(own), 'content.single_link_body')).toBe(false);
    expect(has(scan(mail({ html: `<p>${FILLER}</p>${button('https://x.example.top', 'View')}` })), 'content.single_link_body')).toBe(false);
  });
});

describe('content.hidden_text', () => {
  it('is raised by salting: a paragraph the reader never sees', () => {
    const output = scan(mail({ html: `<p>${LURE}</p><div style="display:none">${FILLER}</div>` }));
    const hidden = finding(output, 'content.hidden_text');
    expect(hidden.score).toBeGreaterThanOrEqual(45);
    expect(hidden.evidence[0]).toContain('display:none');
  });

  it('is not raised by a newsletter preheader', () => {
    const html = `<div style="display:none;max-height:0;overflow:hidden">Spring sale: 20% off garden tools this week only</div><p>${FILLER}</p>`;
    expect(has(scan(mail({ html })), 'content.hidden_text')).toBe(false);
  });
});

describe('content.invisible_characters', () => {
  it('is raised by zero-width characters planted inside words, and by direction overrides', () => {
    const zw = finding(scan(mail({ text: 'Ver\u200Bify your pass\u200Bword and acc\u200Bount now' })), 'content.invisible_characters');
    expect(zw.evidence[0]).toBe('3 zero-width or soft-hyphen characters inside words');
    expect(finding(scan(mail({ subject: 'Invoice \u202Efdp.exe' })), 'content.invisible_characters').score).toBe(45);
  });

  it('is not raised by emoji joiners, preheader padding or Hebrew direction marks', () => {
    expect(has(scan(mail({ text: 'Family 👨\u200D👩\u200D👧 photos \u200C \u200C \u200C attached' })), 'content.invisible_characters')).toBe(false);
    expect(has(scan(mail({ text: 'שלום \u202Bworld\u202C and more \u2067x\u2069' })), 'content.invisible_characters')).toBe(false);
  });
});

describe('content.obfuscated_text', () => {
  it('is raised by Latin words with Cyrillic look-alike letters and by styled letters', () => {
    const mixed = finding(scan(mail({ subject: 'Уоur Pаypаl ассount', text: 'Plеase vеrify' })), 'content.obfuscated_text');
    expect(mixed.score).toBe(35);
    expect(has(scan(mail({ subject: '𝐘𝐎𝐔 𝐖𝐎𝐍 𝐀 𝐏𝐑𝐈𝐙𝐄' })), 'content.obfuscated_text')).toBe(true);
  });

  it('is raised by letters overlaid with combining marks, not by ordinary accents', () => {
    const zalgo = finding(scan(mail({ subject: 'P\u0353\u033Dl\u0353\u033De\u0353\u033Da\u0353\u033Ds\u0353\u033De confirm' })), 'content.obfuscated_text');
    expect(zalgo.evidence[0]).toContain('overlaid with combining marks');
    expect(has(scan(mail({ subject: 'Cafe\u0301 cre\u0300me bru\u0302le\u0301e', text: 'Unterstu\u0308tzung' })), 'content.obfuscated_text')).toBe(false);
  });

  it('is not raised by Russian text', () => {
    expect(has(scan(mail({ subject: 'Привет', text: 'Встреча в пятницу в 10 часов, повестка во вложении.' })), 'content.obfuscated_text')).toBe(false);
  });
});

describe('content.image_only', () => {
  it('is raised by images and a link with almost no text', () => {
    const html = '<a href="https://promo.example.top/c"><img src="https://img.example.top/banner.png" width="600"></a>';
    expect(finding(scan(mail({ html })), 'content.image_only').score).toBe(40);
  });

  it('is not raised by a newsletter with text, or by a tracking pixel', () => {
    const html = `<img src="https://img.example.com/logo.png" width="200"><p>${FILLER}</p><a href="https://example.com/more">Read more</a>`;
    expect(has(scan(mail({ html })), 'content.image_only')).toBe(false);
    expect(has(scan(mail({ html: '<a href="https://example.com/x">x</a><img src="https://t.example.com/p.gif" width="1" height="1">' })), 'content.image_only')).toBe(
      false,
    );
  });
});

describe('content.html_smuggling', () => {
  it('is raised strongly when a script decodes a payload and assembles a file', () => {
    const script = `<script>var d = atob("${'QUJD'.repeat(10)}"); var b = new Blob([d], {type: "application/octet-stream"}); var u = URL.createObjectURL(b);</script>`;
    const smuggling = finding(scan(mail({ html: `<p>Your document is downloading.</p>${script}` })), 'content.html_smuggling');
    expect(smuggling.score).toBe(75);
    expect(smuggling.evidence).toEqual(['new Blob(', 'URL.createObjectURL(', 'atob(']);
  });

  it('is raised weakly by one half only, and not by markup without script', () => {
    expect(finding(scan(mail({ html: '<script>var x = atob("eA==");</script>' })), 'content.html_smuggling').score).toBe(30);
    expect(has(scan(mail({ html: '<p>We use atob( in our docs as an example.</p>' })), 'content.html_smuggling')).toBe(false);
  });

  it('counts a long base64 string in a script as an embedded file', () => {
    const html = `<script>var f = "${'A'.repeat(5000)}"; var u = URL.createObjectURL(new Blob([f]));</script>`;
    expect(finding(scan(mail({ html })), 'content.html_smuggling').evidence).toContain('5000-character base64 string');
  });
});

describe('content.attachment_password', () => {
  it('is raised when the body gives the password of an attached file', () => {
    const output = scan(mail({ text: 'Segue o comprovante em anexo. Senha de acesso ao PDF: 1234', attachments: [attached('comprovante.pdf', 'application/pdf')] }));
    expect(finding(output, 'content.attachment_password').evidence[0]).toBe('"Senha de acesso ao PDF: 1234" for comprovante.pdf');
  });

  it('is not raised without an encryptable attachment or without a password given', () => {
    expect(has(scan(mail({ text: 'Password: hunter22 (for the wiki)' })), 'content.attachment_password')).toBe(false);
    const noPassword = mail({ text: 'Please reset your password before Monday. Report attached.', attachments: [attached('report.pdf', 'application/pdf')] });
    expect(has(scan(noPassword), 'content.attachment_password')).toBe(false);
    const image = mail({ text: 'Password: 1234', attachments: [attached('photo.jpg', 'image/jpeg')] });
    expect(has(scan(image), 'content.attachment_password')).toBe(false);
  });
});
