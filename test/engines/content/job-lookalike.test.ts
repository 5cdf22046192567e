import { foldText, type WordVocabulary } from '../../../functions/src/engines/content/text';
import { button, finding, has, mail, passingAuth, scan } from './helpers';

/**
 * Content 1.2.0: the job and task scam family, the look-alike fold (capital I for l, digits for
 * letters) and Dutch dating spam. Every rule gets a synthetic message that raises it and honest
 * mail that says something close.
 */

describe('job and task scams (content.job_scam_lure)', () => {
  it('raises a task scam: pay per task from home, no experience, daily pay, a recruiter on WhatsApp', () => {
    const output = scan(
      mail({
        subject: 'Earn $500 a day from home',
        html: `<p>Hello, the HR department of Example Retail found your CV online. We offer a part-time remote job:
               complete simple tasks and earn a commission per task. No experience needed, daily pay, no interview.</p>
               <p>Contact our recruiter on WhatsApp +1 555 010 0200 to start today.</p>`,
      }),
    );
    const lure = finding(output, 'content.job_scam_lure');
    expect(lure.score).toBeGreaterThanOrEqual(60);
    const evidence = lure.evidence.join(' ');
    expect(evidence).toContain('earn 500 a day from home');
    expect(evidence).toContain('asks to continue on a chat app');
    expect(output.score).toBeGreaterThanOrEqual(50);
  });

  it('raises a deposit that unlocks the tasks', () => {
    const output = scan(
      mail({
        subject: 'Your task set is waiting',
        text: 'You have reached a combination order. Please top up your account to unlock the remaining tasks and your commission.',
      }),
    );
    expect(finding(output, 'content.job_scam_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('reads the pay rate only beside job-scam words', () => {
    const rated = finding(scan(mail({ text: 'Daily pay, no experience needed: $300 per day.' })), 'content.job_scam_lure');
    expect(rated.evidence.join(' ')).toContain('pay rate $300 per day');
    // A price per day with no job-scam words is no lure at all.
    expect(has(scan(mail({ text: 'Car rental from $30 per day. Message us on WhatsApp to book.' })), 'content.job_scam_lure')).toBe(false);
  });

  it.each([
    ['es', 'Gana 300 dólares al día desde casa. Sin experiencia, pago diario. Comisión por cada tarea completada.'],
    ['pt', 'Ganhe R$ 300 por dia em casa pelo celular. Sem experiência, pagamento diário, comissão por tarefa.'],
    ['fr', 'Gagnez 200 euros par jour depuis chez vous. Sans expérience, paiement quotidien, commission par tâche.'],
    ['de', 'Verdienen Sie 200 Euro pro Tag bequem von zu Hause. Keine Erfahrung erforderlich, Provision pro Aufgabe.'],
    ['it', 'Guadagna 200 euro al giorno da casa. Nessuna esperienza richiesta, commissione per ogni attività.'],
    ['nl', 'Verdien 200 euro per dag vanuit huis. Geen ervaring nodig, commissie per taak, dagelijks uitbetaald.'],
  ])('raises the %s wording', (_language, text) => {
    expect(finding(scan(mail({ text })), 'content.job_scam_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('says nothing about recruiter outreach', () => {
    const output = scan(
      mail({
        subject: 'Senior engineer role at Acme',
        text: `Hi Bob, I came across your profile on LinkedIn and think you would be a great fit for a remote senior engineer
               position at Acme. The salary range is $150k-$180k. We are hiring for several teams. Would you be open to a call next week?`,
      }),
    );
    expect(has(output, 'content.job_scam_lure')).toBe(false);
    expect(output.score).toBeLessThan(30);
  });

  it('says nothing about a job-board alert or an application receipt', () => {
    const alert = scan(
      mail({
        from: 'alerts@jobs.example.com',
        auth: passingAuth('jobs.example.com'),
        subject: '12 new jobs for you',
        html: `<p>Part-time barista, flexible hours. Remote customer support job offer, work from home. Apply now.</p>
               ${button('https://jobs.example.com/view/1', 'View jobs')}`,
      }),
    );
    expect(has(alert, 'content.job_scam_lure')).toBe(false);
    const receipt = scan(
      mail({
        subject: 'We received your application',
        text: 'Thank you for applying for the Data Analyst position. Our hiring team will review your resume and contact you to schedule an interview.',
      }),
    );
    expect(has(receipt, 'content.job_scam_lure')).toBe(false);
    expect(receipt.score).toBeLessThan(20);
  });

  it('does not read a chat-app contact or "make every day at home" as a job scam', () => {
    expect(has(scan(mail({ text: 'Questions about your order? Chat with us on WhatsApp or Telegram.' })), 'content.job_scam_lure')).toBe(false);
    expect(has(scan(mail({ text: 'Ten recipes to make every day at home a little brighter.' })), 'content.job_scam_lure')).toBe(false);
  });
});

describe('look-alike letters: capital I for l, digits for letters', () => {
  const known = (words: string[]): WordVocabulary => {
    const set = new Set(words);
    return { knows: (word) => set.has(word) };
  };

  it('reads I for l and digits for letters as the known word they imitate', () => {
    const vocabulary = known(['paypal', 'log', 'limited', 'apple', 'microsoft', 'login', 'sign', 'account']);
    const folded = foldText('PayPaI: Iog in, Iimited, AppIe, micr0soft, 1ogin, s1gn, acc0unt', 100, vocabulary);
    expect(folded.tokens).toEqual(['paypal', 'log', 'in', 'limited', 'apple', 'microsoft', 'login', 'sign', 'account']);
    expect(folded.lookalikes.map((word) => word.written)).toEqual(['PayPaI', 'Iog', 'Iimited', 'AppIe', 'micr0soft', '1ogin', 's1gn', 'acc0unt']);
  });

  it('leaves the pronoun, acronyms, brand spellings and numbering alone whatever the vocabulary', () => {
    // A vocabulary that accepts every wrong fold: only the rules keep these words intact.
    const vocabulary = known(['linkedln', 'linkedin', 'lt', 'll', 'lot', 'lst', 'ist', 'voll', 'testl', 'winlo', 'lphone', 'lbm', 'lf', 'lbmx']);
    const text = 'I think IT and II are fine. If LinkedIn iPhone IBM IoT 1st vol1 test1 win10 0x1f';
    const folded = foldText(text, 100, vocabulary);
    expect(folded.lookalikes).toEqual([]);
    expect(folded.tokens).toEqual(text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word !== ''));
  });

  it('leaves capitalised words that are no known word once folded ("Invoice", "Internet", "McIntosh")', () => {
    const vocabulary = known(['log', 'limited', 'invoice', 'internet', 'items']);
    const text = 'Invoice Internet McIntosh Items Ideal Ink';
    expect(foldText(text, 100, vocabulary).tokens).toEqual(['invoice', 'internet', 'mcintosh', 'items', 'ideal', 'ink']);
    expect(foldText(text, 100, vocabulary).lookalikes).toEqual([]);
  });

  it('folds nothing without a vocabulary', () => {
    expect(foldText('PayPaI Iog', 10).tokens).toEqual(['paypai', 'iog']);
  });

  it('matches a lure written with I for l and reports the disguise', () => {
    const output = scan(
      mail({
        subject: 'Someone tried to Iog in to your PayPaI account',
        html: `<p>Your account has been Iimited.</p>${button('https://alert.example.top/r', 'Review')}`,
      }),
    );
    expect(finding(output, 'content.credential_lure').evidence.join(' ')).toContain('someone tried to log in');
    const disguise = finding(output, 'content.obfuscated_text');
    expect(disguise.score).toBe(30);
    expect(disguise.evidence.join(' ')).toContain('Iog (log)');
    expect(disguise.evidence.join(' ')).toContain('Iimited (limited)');
  });

  it('does not report ordinary capitals in an honest message', () => {
    const output = scan(
      mail({
        subject: 'Invoice for IT support',
        text: 'Hi Bob, I attached the Invoice for the Internet line. IT will install the II rack on the 1st. Regards, Ian',
      }),
    );
    expect(has(output, 'content.obfuscated_text')).toBe(false);
  });
});

describe('Dutch dating spam (content.romance_lure)', () => {
  it('raises Ukrainian women near you and women waiting to meet you', () => {
    const output = scan(
      mail({
        subject: 'Maak kennis met Oekraïense meisjes',
        html: `<p>Eenzame vrouwen bij jou in de buurt wachten om je te ontmoeten. Geen nepprofielen.</p>${button('https://dating.example.top/p', 'Bekijk profielen')}`,
      }),
    );
    expect(finding(output, 'content.romance_lure').score).toBeGreaterThanOrEqual(50);
  });

  it('does not read Dutch business mail or German "Daten" as dating', () => {
    const meeting = scan(mail({ text: 'Ik wil je graag ontmoeten om het project te bespreken. Komt dinsdag je uit?' }));
    expect(meeting.score).toBeLessThan(25);
    expect(has(scan(mail({ text: 'Bitte prüfen Sie Ihre Daten im Kundenportal.' })), 'content.romance_lure')).toBe(false);
  });
});
