import { analyseIcs, isICalendar } from '../../../functions/src/core/documents/ics';

export const INVITE = [
  'BEGIN:VCALENDAR',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'SUMMARY:Voicemail received - action required',
  'ORGANIZER;CN="IT, Helpdesk":mailto:Helpdesk@Example.COM',
  'ATTENDEE;CN=Bob:mailto:bob@example.org',
  'DESCRIPTION:You have a new voicemail. Listen here: https://voicemail-portal.example/',
  ' listen?id=1\\nThanks',
  'LOCATION:https://teams.microsoft.com/l/meetup-join/abc',
  'ATTACH;FMTTYPE=application/pdf:https://files.example.net/v.pdf',
  'ATTACH;ENCODING=BASE64;VALUE=BINARY:SGVsbG8=',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('analyseIcs', () => {
  it('reads method, organiser, attendees, texts (unfolded and unescaped), URI attachments and URLs', () => {
    expect(isICalendar(INVITE)).toBe(true);
    const facts = analyseIcs(INVITE);
    expect(facts.method).toBe('REQUEST');
    expect(facts.events).toHaveLength(1);
    const [event] = facts.events;
    expect(event).toMatchObject({
      summary: 'Voicemail received - action required',
      organizer: { name: 'IT, Helpdesk', address: 'helpdesk@example.com' },
      attendees: 1,
      attachmentUris: ['https://files.example.net/v.pdf'],
    });
    expect(event?.description).toContain('Listen here: https://voicemail-portal.example/listen?id=1\nThanks');
    expect(facts.urls).toEqual(['https://voicemail-portal.example/listen?id=1', 'https://teams.microsoft.com/l/meetup-join/abc', 'https://files.example.net/v.pdf']);
  });

  it('is bounded in events and URLs, and tolerates junk', () => {
    const many = ['BEGIN:VCALENDAR', ...Array.from({ length: 100 }, (_, i) => `BEGIN:VEVENT\r\nURL:https://x.example/${i}\r\nEND:VEVENT`), 'END:VCALENDAR'].join('\r\n');
    const facts = analyseIcs(many, { maxChars: 1e6, maxLines: 1e5, maxEvents: 10, maxUrls: 5, maxTextChars: 100 });
    expect(facts.events).toHaveLength(10);
    expect(facts.urls).toHaveLength(5);
    expect(facts.truncated).toBe(true);
    expect(analyseIcs('garbage\n:::\n;;;').events).toEqual([]);
    expect(isICalendar('<html>')).toBe(false);
  });
});
