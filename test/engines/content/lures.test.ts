import { button, finding, has, mail, passingAuth, scan } from './helpers';

/** Each lure finding: a message that raises it, and a benign message that says something close. */

describe('content.credential_lure', () => {
  it('is raised by mailbox-quota and restore language with an outside link', () => {
    const output = scan(
      mail({
        subject: 'Mailbox storage full - action required',
        html: `<p>Dear user, your mailbox is almost full. Incoming messages have been placed on hold.
               Click here to restore full access within 24 hours to avoid losing your emails.</p>
               ${button('https://mail-restore.example.top/login', 'Restore mailbox')}`,
      }),
    );
    const lure = finding(output, 'content.credential_lure');
    expect(lure.score).toBeGreaterThanOrEqual(60);
    expect(lure.evidence.join(' ')).toContain('click here to restore');
    expect(output.score).toBeGreaterThanOrEqual(70);
  });

  it('counts a password field in the body', () => {
    const withForm = scan(
      mail({
        subject: 'Shared document',
        html: '<p>Sign in to view the document.</p><form action="https://collect.example.net/p"><input type="password" name="p"></form>',
      }),
    );
    expect(finding(withForm, 'content.credential_lure').evidence).toContain('password field in the body');
    expect(finding(withForm, 'content.credential_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('stays low for a genuine password reset from an authenticated service linking to itself', () => {
    const output = scan(
      mail({
        from: 'no-reply@accounts.example.com',
        auth: passingAuth('example.com'),
        subject: 'Reset your password',
        html: `<p>Hi Bob, we received a request to reset your password. If this wasn't you, ignore this email.</p>
               ${button('https://accounts.example.com/reset?t=abc', 'Reset password')}`,
      }),
    );
    expect(output.score).toBeLessThan(15);
  });

  it('stays below suspicious for a genuine sign-in alert from a brand linking to its other domains', () => {
    const output = scan(
      mail({
        from: 'account-security-noreply@accountprotection.microsoft.com',
        auth: passingAuth('microsoft.com'),
        subject: 'Microsoft account unusual sign-in activity',
        html: `<p>We detected something unusual about a recent sign-in to the Microsoft account b**@example.org.
               If this wasn't you, please review your recent activity.</p>${button('https://account.live.com/Activity', 'Review recent activity')}`,
      }),
    );
    expect(output.score).toBeLessThan(30);
  });

  it('lowers, less, a payment-failed notice from an authenticated service whose links go through its ESP', () => {
    const output = scan(
      mail({
        from: 'billing@streamco.example',
        auth: passingAuth('streamco.example'),
        subject: 'Your payment failed',
        html: `<p>Hi Bob, your payment failed. Please update your payment method to keep watching.</p>${button('https://u123.ct.sendgrid.net/ls/click?upn=abc', 'Update payment method')}`,
      }),
    );
    expect(output.score).toBeLessThan(40);
    expect(finding(output, 'content.credential_lure').evidence.join(' ')).toContain('its email provider');
  });

  it('is lowered when there is nothing to click, open or fill in', () => {
    const text = 'Your account has been suspended. Verify your account immediately to avoid losing access.';
    const withLink = finding(scan(mail({ text: `${text} https://verify.example.top/` })), 'content.credential_lure').score;
    const bare = finding(scan(mail({ text })), 'content.credential_lure');
    expect(bare.score).toBeLessThan(withLink);
    expect(bare.evidence).toContain('nothing to click, open or fill in');
  });

  it('treats a mailto: link to collect replies as something to act on', () => {
    const html = `<p>We detected something unusual about a recent sign-in. Unusual sign-in activity from Russia.
      If this wasn't you, please report the user.</p><a href="mailto:report@collector.example.net">Report the user</a>`;
    expect(finding(scan(mail({ html })), 'content.credential_lure').evidence).not.toContain('nothing to click, open or fill in');
  });
});

describe('content.payment_request', () => {
  it('is raised by a change of bank details with a payment push', () => {
    const output = scan(
      mail({
        subject: 'Updated banking information',
        text: 'Hello, please note that we have changed our bank details. All payments should be made to the new account below. Kindly confirm once the wire transfer is processed today.',
      }),
    );
    expect(finding(output, 'content.payment_request').score).toBeGreaterThanOrEqual(50);
  });

  it('is raised by the "are you at your desk" opener', () => {
    expect(has(scan(mail({ text: 'Are you at your desk? I need you to handle a quick payment for me.' })), 'content.payment_request')).toBe(true);
  });

  it('stays low for an ordinary invoice notice', () => {
    const output = scan(mail({ subject: 'Invoice 2024-118', text: 'Hi Bob, invoice attached for the March work. Thanks, Alice' }));
    expect(output.score).toBeLessThan(20);
  });
});

describe('content.gift_card_request', () => {
  it('is raised by a request to buy cards and send the codes', () => {
    const output = scan(
      mail({
        text: 'I need you to get some Google Play gift cards for the staff today, 5 cards at $100 each. Scratch the back and send me the codes.',
      }),
    );
    expect(finding(output, 'content.gift_card_request').score).toBeGreaterThanOrEqual(60);
    expect(output.score).toBeGreaterThanOrEqual(60);
  });

  it('stays low for a retailer promoting its own gift cards', () => {
    const output = scan(
      mail({
        from: 'news@shop.example.com',
        auth: passingAuth('example.com'),
        html: `<p>Buy a gift card for the holidays and get 10% off your next order.</p>${button('https://shop.example.com/gift', 'Shop gift cards')}`,
      }),
    );
    expect(output.score).toBeLessThan(30);
  });
});

describe('content.callback_scam', () => {
  const lure =
    'Your Norton 360 subscription has been renewed and $399.99 will be charged to your account. If you did not authorize this charge, call our billing department';

  it('needs a phone number', () => {
    expect(finding(scan(mail({ text: `${lure} at +1 (888) 555-0199.` })), 'content.callback_scam').evidence).toContain('phone number +1 (888) 555-0199');
    expect(has(scan(mail({ text: `${lure}.` })), 'content.callback_scam')).toBe(false);
  });

  it('reaches the suspicious range with the number', () => {
    expect(scan(mail({ text: `${lure} at 1-888-555-0199.` })).score).toBeGreaterThanOrEqual(50);
  });

  it('reads the Portuguese bank-alert variant with a 0800 number', () => {
    const text = 'Nubank: Compra em análise no valor de R$1.499,99. Caso não reconheça, ligue para a central: 0800-323-5054.';
    expect(finding(scan(mail({ text })), 'content.callback_scam').evidence).toContain('phone number 0800-323-5054');
  });

  it('stays low for an order confirmation that lists a support number', () => {
    const output = scan(mail({ text: 'Thanks for shopping with us. Your order ships tomorrow. Questions? Our shop is at 555 Main St, phone 555-201-3344.' }));
    expect(output.score).toBeLessThan(30);
  });
});

describe('content.advance_fee', () => {
  it('is raised by inheritance and large sums', () => {
    const output = scan(
      mail({
        text: 'Dear friend, I am a barrister at law. My late client left a deposit of US$10,500,000.00 and you are the next of kin. I need your assistance to transfer the funds into your account. Reply to my private email.',
      }),
    );
    const lure = finding(output, 'content.advance_fee');
    expect(lure.score).toBeGreaterThanOrEqual(60);
    expect(lure.evidence[0]).toMatch(/^large sum/);
  });

  it('stays low for a funding announcement', () => {
    const output = scan(mail({ text: 'The project received $2,000,000 in funds from the foundation to hire two maintainers.' }));
    expect(output.score).toBeLessThan(20);
  });
});

describe('content.prize_lure', () => {
  it('is raised by a survey-for-reward lure', () => {
    const output = scan(
      mail({
        subject: 'Congratulations! You have been selected',
        text: 'Congratulations, you are our lucky winner! Take our short survey to claim your reward today.',
      }),
    );
    expect(finding(output, 'content.prize_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('stays low for congratulations among colleagues', () => {
    const output = scan(mail({ text: 'Congratulations to the team on the release! The winners of the hackathon get free tickets.' }));
    expect(output.score).toBeLessThan(30);
  });
});

describe('content.crypto_scam', () => {
  it('is raised by wallet validation and seed phrases', () => {
    const output = scan(
      mail({
        subject: 'Wallet suspension notice',
        html: `<p>Your wallet has been suspended. Synchronize your wallet and enter your recovery phrase to restore access.</p>${button('https://dapp-sync.example.top', 'Validate wallet')}`,
      }),
    );
    expect(finding(output, 'content.crypto_scam').score).toBeGreaterThanOrEqual(50);
  });

  it('stays low for a technical discussion of wallets', () => {
    const output = scan(mail({ text: 'The bitcoin wallet library now supports hardware signing; see the crypto module docs.' }));
    expect(output.score).toBeLessThan(30);
  });
});

describe('content.sextortion', () => {
  it('is raised by a hacked-device blackmail note', () => {
    const output = scan(
      mail({
        text: 'I have hacked your device and recorded a video of you on an adult website. Send $900 to my bitcoin address bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh within 48 hours or I will send the video to your contacts and family.',
      }),
    );
    const lure = finding(output, 'content.sextortion');
    expect(lure.score).toBeGreaterThanOrEqual(70);
    expect(lure.evidence.join(' ')).toContain('bitcoin address');
  });

  it('stays low for a security newsletter mentioning malware', () => {
    expect(scan(mail({ text: 'This week: a new malware family and how to keep your camera firmware updated.' })).score).toBeLessThan(30);
  });
});

describe('content.delivery_lure', () => {
  it('is raised by a held parcel and a customs fee', () => {
    const output = scan(
      mail({
        subject: 'Your package is on hold',
        html: `<p>We were unable to deliver your package. Please pay the customs fee of 2.99 EUR to reschedule your delivery.</p>${button('https://parcel-fee.example.top', 'Pay now')}`,
      }),
    );
    expect(finding(output, 'content.delivery_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('stays low for a shipping confirmation', () => {
    const output = scan(mail({ subject: 'Your order has shipped', text: 'Your package is on its way. Tracking number 1Z999AA10123456784. Expected delivery Friday.' }));
    expect(output.score).toBeLessThan(40);
  });
});

describe('content.authority_lure and content.scareware_lure', () => {
  it('raises a fake court summons', () => {
    expect(finding(scan(mail({ text: 'Court summons: you are required to appear in court. Outstanding fine of 300 EUR.' })), 'content.authority_lure').score).toBeGreaterThanOrEqual(
      50,
    );
  });

  it('raises a fake infection warning', () => {
    const output = scan(
      mail({ subject: 'Your antivirus subscription has expired', text: 'Your computer is infected with 5 viruses. Renew your antivirus now.' }),
    );
    expect(finding(output, 'content.scareware_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('counts self-vouching as urgency that supports a lure', () => {
    const output = scan(mail({ text: 'This message is sent from a trusted sender. Your parcel is on hold, pay the delivery fee. https://x.example.top' }));
    expect(finding(output, 'content.urgency').evidence[0]).toBe('"from a trusted sender"');
  });

  it('stays low for a real renewal reminder from the vendor itself', () => {
    const output = scan(
      mail({
        from: 'billing@vendor.example.com',
        auth: passingAuth('example.com'),
        text: 'Your licence renews on 1 May. Manage your plan in your account settings.',
      }),
    );
    expect(output.score).toBeLessThan(20);
  });
});

describe('content.romance_lure, content.spam_offer and content.personal_data_request', () => {
  it('raises dating lures', () => {
    expect(has(scan(mail({ text: 'I am a lonely girl, 25 years old, looking for a man. See my private photos.' })), 'content.romance_lure')).toBe(true);
  });

  it('raises pharmacy and casino spam', () => {
    expect(has(scan(mail({ text: 'Viagra without a prescription. Casino bonus and 200 free spins.' })), 'content.spam_offer')).toBe(true);
  });

  it('raises requests for card data', () => {
    const output = scan(mail({ text: 'To confirm, reply with your card number, expiry date and CVV code, plus your social security number.' }));
    expect(finding(output, 'content.personal_data_request').score).toBeGreaterThanOrEqual(40);
  });

  it('stays low for a receipt that shows the last card digits', () => {
    expect(scan(mail({ text: 'Paid with Visa ending 4242. Thank you for your order.' })).score).toBeLessThan(20);
  });
});

describe('languages', () => {
  it.each([
    ['Portuguese', 'Sua conta foi bloqueada. Clique aqui para atualizar seus dados e evitar o bloqueio.', 'content.credential_lure'],
    ['Portuguese (customs)', 'Sua encomenda está retida. Efetue o pagamento da taxa de importação para liberar.', 'content.delivery_lure'],
    ['Spanish', 'Su cuenta ha sido suspendida. Haga clic aquí para verificar su identidad.', 'content.credential_lure'],
    ['German', 'Ihr Konto wurde gesperrt. Bestätigen Sie Ihre Daten, klicken Sie hier, um zu entsperren.', 'content.credential_lure'],
    ['German (prize)', 'Herzlichen Glückwunsch! Sie wurden ausgewählt. Nehmen Sie an unserer Umfrage teil.', 'content.prize_lure'],
    ['French', 'Votre compte a été suspendu. Cliquez ici pour vérifier votre identité.', 'content.credential_lure'],
    ['Dutch', 'Uw pakket is in afwachting van bezorging. Bevestig uw verzendgegevens.', 'content.delivery_lure'],
    ['Italian', 'Il tuo account è stato sospeso. Clicca qui per verificare i tuoi dati.', 'content.credential_lure'],
  ])('reads %s', (_language, text, id) => {
    const output = scan(mail({ text: `${text} https://x.example.top/a` }));
    expect(finding(output, id).score).toBeGreaterThanOrEqual(30);
  });
});
