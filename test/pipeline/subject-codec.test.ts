import { createHash } from 'node:crypto';
import { buildScanSubject } from '../../functions/src/core/parse';
import { SubjectUnavailableError } from '../../functions/src/pipeline/errors';
import { decodeStoredSubject, loadSubject, storeSubject, type StoredSubject } from '../../functions/src/pipeline/subject-codec';
import { MemoryBlobStore } from '../../functions/src/store/memory-blob-store';
import { ALICE, BOB, mail, traceHeaders } from './harness';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 7), Buffer.from('\n%%EOF\n')]);

function campaignCopy(recipient: string, hop: string): string {
  return mail({
    headers: traceHeaders(recipient, hop),
    to: 'staff@example.org',
    subject: 'Quarterly report',
    messageId: 'campaign-1@outside.test',
    attachment: { filename: 'report.pdf', contentType: 'application/pdf', content: PDF },
  });
}

describe('subject codec', () => {
  it('round-trips a subject with its attachment bytes restored', async () => {
    const blobs = new MemoryBlobStore();
    const subject = await buildScanSubject(Buffer.from(campaignCopy(ALICE, 'aa')));
    expect(subject.attachments[0]?.content).toBeDefined();

    const key = await storeSubject(subject, blobs);
    const restored = await loadSubject(key, blobs);

    expect(restored.attachments).toHaveLength(1);
    expect(Buffer.from(restored.attachments[0]?.content as Uint8Array).equals(PDF)).toBe(true);
    const withoutBytes = (value: typeof subject) => ({ ...value, attachments: value.attachments.map(({ content: _content, ...rest }) => rest) });
    expect(withoutBytes(restored)).toEqual(withoutBytes(subject));
  });

  it('stores the subject blob without attachment bytes, which live content-addressed on their own', async () => {
    const entries = new Map<string, Buffer>();
    const blobs = new MemoryBlobStore(entries);
    const subject = await buildScanSubject(Buffer.from(campaignCopy(ALICE, 'aa')));

    const key = await storeSubject(subject, blobs);

    const stored = decodeStoredSubject(key, entries.get(key) as Buffer);
    const pdfKey = createHash('sha256').update(PDF).digest('hex');
    expect(stored.subject.attachments[0]).toMatchObject({ filename: 'report.pdf', contentBlobKey: pdfKey });
    expect(stored.subject.attachments[0]).not.toHaveProperty('content');
    expect((entries.get(key) as Buffer).length).toBeLessThan(PDF.length);
    expect(entries.get(pdfKey)?.equals(PDF)).toBe(true);
  });

  it('stores a campaign attachment once across mailboxes', async () => {
    const entries = new Map<string, Buffer>();
    const blobs = new MemoryBlobStore(entries);
    const forAlice = await buildScanSubject(Buffer.from(campaignCopy(ALICE, 'aa')));
    const forBob = await buildScanSubject(Buffer.from(campaignCopy(BOB, 'bbbb')));

    const aliceKey = await storeSubject(forAlice, blobs);
    const bobKey = await storeSubject(forBob, blobs);

    // Two subject blobs (the copies differ in their trace headers) and one attachment blob.
    expect(aliceKey).not.toBe(bobKey);
    expect(entries.size).toBe(3);
    expect((await loadSubject(bobKey, blobs)).attachments[0]?.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
  });

  it('refuses a missing subject, a missing attachment blob and a blob that is not a stored subject', async () => {
    const entries = new Map<string, Buffer>();
    const blobs = new MemoryBlobStore(entries);
    const subject = await buildScanSubject(Buffer.from(campaignCopy(ALICE, 'aa')));
    const key = await storeSubject(subject, blobs);

    await expect(loadSubject('0'.repeat(64), blobs)).rejects.toThrow(SubjectUnavailableError);
    await expect(loadSubject('not-a-key', blobs)).rejects.toThrow(/not a blob key/);

    const stored = JSON.parse((entries.get(key) as Buffer).toString('utf8')) as StoredSubject;
    await blobs.delete(stored.subject.attachments[0]?.contentBlobKey as string);
    await expect(loadSubject(key, blobs)).rejects.toThrow(/attachment "report.pdf" .* is absent/);

    const foreign = await blobs.put(Buffer.from(JSON.stringify({ format: 'something-else' })));
    await expect(loadSubject(foreign, blobs)).rejects.toThrow(/not a stored subject/);
    const notJson = await blobs.put(Buffer.from('%PDF'));
    await expect(loadSubject(notJson, blobs)).rejects.toThrow(/not JSON/);
  });

  it('reports a corrupt blob as unavailable, not as a crash', async () => {
    const entries = new Map<string, Buffer>();
    const blobs = new MemoryBlobStore(entries);
    const key = await storeSubject(await buildScanSubject(Buffer.from(mail())), blobs);
    entries.set(key, Buffer.from('tampered'));
    await expect(loadSubject(key, blobs)).rejects.toThrow(/is corrupt/);
  });
});
