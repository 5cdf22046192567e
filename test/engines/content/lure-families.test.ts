import { decodeNumericReferences } from '../../../functions/src/engines/content/text';
import { button, finding, has, mail, passingAuth, scan } from './helpers';

/**
 * Lure families added to the phrase lists (task-platform account threats, found-wallet and
 * token lures, charity and "randomly selected" advance-fee letters, contact spam in French and
 * Spanish, pharmacy and underground-shop spam) and the cues beside them. Each: a synthetic
 * message that raises the finding, and a benign one that says something close.
 */

describe('credential lures of task and booking platforms', () => {
  it('raises a credential lure for an inactive-account threat that wipes the balance', () => {
    const output = scan(
      mail({
        subject: 'Your earnings are waiting',
        html: `<p>Dear user, you have not visited your personal cabinet for a long time. We plan to block inactive accounts
               this week and your balance will be reset upon blocking.</p>${button('https://cabinet.example.top/enter', 'Enter your account')}`,
      }),
    );
    const lure = finding(output, 'content.credential_lure');
    expect(lure.score).toBeGreaterThanOrEqual(55);
    expect(lure.evidence.join(' ')).toContain('balance will be reset');
    expect(output.score).toBeGreaterThanOrEqual(50);
  });

  it('stays below suspicious for an authenticated inactivity notice that links to its own site', () => {
    const output = scan(
      mail({
        from: 'no-reply@accounts.example.com',
        auth: passingAuth('example.com'),
        subject: 'Your account is inactive',
        html: `<p>Hi Bob, to keep your data safe we close inactive accounts after two years. Sign in to keep yours.</p>
               ${button('https://accounts.example.com/signin', 'Sign in')}`,
      }),
    );
    expect(output.score).toBeLessThan(30);
  });

  it('raises a booking-cancellation threat whose form link is only written in the text', () => {
    const text =
      'Dear guest! Your stay is getting closer. In order to confirm your reservation please fill in the form, otherwise your reservation will be canceled.';
    const written = finding(scan(mail({ html: `<p>${text}</p><p>https://forms.example.com/r/abc123</p>` })), 'content.credential_lure');
    expect(written.evidence).not.toContain('nothing to click, open or fill in');
    expect(written.score).toBeGreaterThanOrEqual(50);
    const bare = finding(scan(mail({ html: `<p>${text}</p>` })), 'content.credential_lure');
    expect(bare.evidence).toContain('nothing to click, open or fill in');
    expect(bare.score).toBeLessThan(written.score);
  });

  it('reads "Iog in" written with a capital I as "log in"', () => {
    const output = scan(mail({ subject: 'Someone tried to Iog in to your account', html: button('https://alert.example.top/r', 'Review') }));
    expect(finding(output, 'content.credential_lure').evidence.join(' ')).toContain('someone tried to log in');
    expect(has(scan(mail({ subject: 'Build log', text: 'The iog in the attached log is the input-output graph of the build.' })), 'content.credential_lure')).toBe(false);
  });

  it('raises a credential lure for an alert that a stranger can now withdraw from the account (Portuguese)', () => {
    const output = scan(
      mail({
        subject: 'Novo colaborador adicionado',
        html: `<p>Novo colaborador associado a sua conta. Ele agora possui acesso a saques e transferencias em seu nome.</p>
               ${button('https://conta.example.top/remover', 'Remover colaborador')}`,
      }),
    );
    expect(finding(output, 'content.credential_lure').score).toBeGreaterThanOrEqual(45);
  });
});

describe('crypto lures', () => {
  it('raises a found-wallet login with a balance in BTC', () => {
    const output = scan(
      mail({
        subject: 'Wallet details',
        text: 'I found these login details in a lost bag. Site: wallet.example.top ID: 123456 Pass: abc123. The current balance is 90.8 BTC, let us cash it out.',
      }),
    );
    expect(finding(output, 'content.crypto_scam').evidence.join(' ')).toContain('balance is 90 8 btc');
    expect(output.score).toBeGreaterThanOrEqual(40);
  });

  it('counts a sum shown as credited beside crypto language, not on its own', () => {
    const credited = finding(scan(mail({ text: 'Your balance has been replenished +29,738$ https://files.example.com/d/abc' })), 'content.crypto_scam');
    expect(credited.evidence.join(' ')).toContain('credited sum +29,738$');
    const plain = finding(scan(mail({ text: 'Your balance has been replenished. https://files.example.com/d/abc' })), 'content.crypto_scam');
    expect(credited.score).toBeGreaterThan(plain.score);
    expect(has(scan(mail({ subject: 'Statement', text: 'Deposit received: +$1,200.00 on 3 May. Thank you for banking with us.' })), 'content.crypto_scam')).toBe(false);
  });

  it('raises free-token and eligibility lures', () => {
    const output = scan(
      mail({
        subject: 'You are eligible for XYZ tokens',
        html: `<p>Earn free tokens in our airdrop: you are eligible to claim XYZ tokens and your staking rewards are ready.</p>
               ${button('https://claim.example.top/', 'Claim')}`,
      }),
    );
    expect(finding(output, 'content.crypto_scam').score).toBeGreaterThanOrEqual(50);
  });

  it('is not raised by a news article that mentions tokens and assets', () => {
    const output = scan(
      mail({
        subject: 'Weekly digest',
        text: 'This week the council discussed parking tokens for residents and the sale of municipal assets. Minutes are attached.',
      }),
    );
    expect(has(output, 'content.crypto_scam')).toBe(false);
  });
});

describe('advance-fee letters', () => {
  it('raises a dying donor who leaves millions for charity', () => {
    const output = scan(
      mail({
        subject: 'My last wish',
        text: 'I am dying of bone cancer and have no children. I will use my ten million for charity and you will keep two million for yourself.',
      }),
    );
    expect(finding(output, 'content.advance_fee').score).toBeGreaterThanOrEqual(50);
  });

  it('raises "your email address was randomly selected" and a request for full names and country', () => {
    const selected = scan(mail({ text: 'Your email address was randomly selected from a database. Reply for further instructions.' }));
    expect(has(selected, 'content.advance_fee')).toBe(true);
    const details = scan(mail({ text: 'Send me your personal information. Your full names: Your country of origin: Your occupation:' }));
    expect(finding(details, 'content.advance_fee').evidence.join(' ')).toContain('your full names your country of origin');
  });

  it('is not raised by a friend writing about an illness or by an HR form', () => {
    const friend = scan(mail({ subject: 'News', text: 'My aunt was diagnosed with cancer last spring; she is doing better now. Lunch on Friday?' }));
    expect(has(friend, 'content.advance_fee')).toBe(false);
    const hr = scan(mail({ subject: 'Onboarding', text: 'Please fill in your full name, your phone number and your start date in the HR form.' }));
    expect(has(hr, 'content.advance_fee')).toBe(false);
  });

  it('reads numeric character references left in a plain-text part (Portuguese)', () => {
    const output = scan(
      mail({ text: 'O banco pede o parente mais pr&#243;ximo do meu cliente falecido para repatriar esse dep&#243;sito de US$ 7,2 milh&#245;es.' }),
    );
    expect(finding(output, 'content.advance_fee').evidence.join(' ')).toContain('parente mais proximo');
  });
});

describe('numeric character references', () => {
  it('decodes decimal and hexadecimal references and leaves invalid ones alone', () => {
    expect(decodeNumericReferences('dep&#243;sito &#xE9;t&#xe9;')).toBe('depósito été');
    expect(decodeNumericReferences('a&#0;b &#xD800; &#9999999; &amp;')).toBe('a&#0;b &#xD800; &#9999999; &amp;');
    expect(decodeNumericReferences('no references')).toBe('no references');
  });
});

describe('contact and offer spam', () => {
  it('raises French and Spanish contact spam', () => {
    const french = scan(mail({ subject: 'Obtenez un rendez-vous chaud avec des filles ukrainiennes', html: button('https://date.example.top/', 'Voir') }));
    expect(finding(french, 'content.romance_lure').score).toBeGreaterThanOrEqual(50);
    const spanish = scan(mail({ subject: 'Tu chica ucraniana te espera', html: button('https://date.example.top/', 'Ver') }));
    expect(has(spanish, 'content.romance_lure')).toBe(true);
    expect(has(scan(mail({ subject: 'Rendez-vous confirmé', text: 'Votre rendez-vous chez le dentiste est confirmé pour mardi.' })), 'content.romance_lure')).toBe(false);
  });

  it('raises English contact spam offering sex chat and singles nearby', () => {
    const output = scan(mail({ subject: 'Singles near you', text: 'She is available for live sex chat tonight. https://chat.example.top/' }));
    expect(finding(output, 'content.romance_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('raises pharmacy spam and underground-shop ads, not a pharmacy notice', () => {
    const pharmacy = scan(mail({ text: 'Cialis and Levitra from our pharmacy without a prescription, $0.54 per pill.' }));
    expect(finding(pharmacy, 'content.spam_offer').score).toBeGreaterThanOrEqual(50);
    expect(has(scan(mail({ text: 'Fresh SMTP, cPanel shells and fullz for sale.' })), 'content.spam_offer')).toBe(true);
    expect(has(scan(mail({ text: 'The pharmacy on Main Street changes its opening hours on Sunday.' })), 'content.spam_offer')).toBe(false);
  });

  it('raises survey-for-a-gift lures in French and Spanish', () => {
    expect(finding(scan(mail({ subject: 'Réclamez votre récompense', html: button('https://r.example.top/', 'OK') })), 'content.prize_lure').score).toBeGreaterThanOrEqual(35);
    expect(has(scan(mail({ subject: 'Tu oportunidad de obtener un juego de herramientas GRATIS' })), 'content.prize_lure')).toBe(true);
    expect(has(scan(mail({ subject: 'Réunion', text: 'Merci de confirmer votre présence à la réunion de mardi.' })), 'content.prize_lure')).toBe(false);
  });
});

describe('content.obfuscated_text: 0 for O', () => {
  it('is raised by capital words spelt with 0 for O in the subject or sender name', () => {
    const output = scan(mail({ subject: 'IMP0RTANT INF0RMATION', fromName: 'C0NSUMER REWARDS' }));
    expect(finding(output, 'content.obfuscated_text').evidence.join(' ')).toContain('0 for O: IMP0RTANT');
  });

  it('is not raised by codes, versions or short words with zeros', () => {
    const output = scan(mail({ subject: 'Ticket AB0C: Windows 10 on B00K X100, ISO 9001', fromName: 'Helpdesk' }));
    expect(has(output, 'content.obfuscated_text')).toBe(false);
  });
});
