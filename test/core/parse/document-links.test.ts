import { buildScanSubject } from '../../../functions/src/core/parse';
import { encryptedPdf, linkAnnotation, ooxml, relationships, simplePdf } from '../documents/fixtures';
import { messageWithAttachments as message } from './builders';

/** Links found in PDF, Office and calendar attachments join subject.links with source 'attachment'. */

describe('links from document attachments', () => {
  it('adds PDF link targets, OOXML external hyperlinks and iCalendar URLs, with the file name as origin', async () => {
    const subject = await buildScanSubject(
      message('See attached.', [
        { filename: 'statement.pdf', type: 'application/pdf', content: simplePdf({ annots: [linkAnnotation('https://pdf-link.example/login')] }) },
        {
          filename: 'notes.docx',
          type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          content: ooxml('word', { 'word/_rels/document.xml.rels': relationships([{ type: 'hyperlink', target: 'https://docx-link.example/a', external: true }, { type: 'styles', target: 'styles.xml' }]) }),
        },
        { filename: 'invite.ics', type: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDESCRIPTION:Join at https://ics-link.example/j\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n') },
      ]),
    );
    const fromAttachments = subject.links.filter((link) => link.source === 'attachment');
    expect(fromAttachments).toEqual([
      { url: 'https://pdf-link.example/login', host: 'pdf-link.example', registrableDomain: 'pdf-link.example', source: 'attachment', origin: 'statement.pdf' },
      { url: 'https://docx-link.example/a', host: 'docx-link.example', registrableDomain: 'docx-link.example', source: 'attachment', origin: 'notes.docx' },
      { url: 'https://ics-link.example/j', host: 'ics-link.example', registrableDomain: 'ics-link.example', source: 'attachment', origin: 'invite.ics' },
    ]);
  });

  it('reads links of an encrypted PDF with the password the message gives', async () => {
    const pdf = encryptedPdf({ revision: 3, userPassword: '777', uri: 'https://hidden.example/' });
    const subject = await buildScanSubject(message('Password: 777', [{ filename: 'doc.pdf', type: 'application/pdf', content: pdf }]));
    expect(subject.links.filter((link) => link.source === 'attachment').map((link) => link.url)).toEqual(['https://hidden.example/']);
  });

  it('leaves HTML attachments to the HTML extractor (href/form sources) and stays within maxLinks', async () => {
    const html = Buffer.from('<a href="https://html-link.example/">click</a>');
    const pdf = simplePdf({ annots: Array.from({ length: 10 }, (_, i) => linkAnnotation(`https://many.example/${i}`)) });
    const subject = await buildScanSubject(
      message('Body https://body.example/', [
        { filename: 'page.html', type: 'text/html', content: html },
        { filename: 'many.pdf', type: 'application/pdf', content: pdf },
      ]),
      { limits: { maxLinks: 5 } },
    );
    expect(subject.links).toHaveLength(5);
    expect(subject.links.find((link) => link.origin === 'page.html')?.source).toBe('href');
    expect(subject.links.filter((link) => link.source === 'attachment')).toHaveLength(3);
    expect(subject.anomalies.map((anomaly) => anomaly.code)).toContain('limit.links');
  });

  it('a damaged PDF yields no links and no parse failure', async () => {
    const subject = await buildScanSubject(message('x', [{ filename: 'bad.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4 garbage') }]));
    expect(subject.links.filter((link) => link.source === 'attachment')).toEqual([]);
    expect(subject.anomalies.filter((anomaly) => anomaly.code === 'parse.failed')).toEqual([]);
  });
});
