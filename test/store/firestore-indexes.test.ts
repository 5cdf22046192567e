import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * firestore.indexes.json against the documented format
 * (https://firebase.google.com/docs/reference/firestore/indexes) and against the queries
 * docs/data-model.md promises analysts and the pipeline: each must have a composite index that
 * serves it, and each composite index must serve one of them (an unused index only costs writes).
 */

const ROOT = join(__dirname, '..', '..');
const QueryScope = z.enum(['COLLECTION', 'COLLECTION_GROUP']);
const Order = z.enum(['ASCENDING', 'DESCENDING']);
const IndexField = z.union([
  z.strictObject({ fieldPath: z.string().min(1), order: Order }),
  z.strictObject({ fieldPath: z.string().min(1), arrayConfig: z.literal('CONTAINS') }),
]);
const CompositeIndex = z.strictObject({
  collectionGroup: z.string().min(1),
  queryScope: QueryScope,
  // Firestore builds single-field indexes itself and rejects a "composite" of one field.
  fields: z.array(IndexField).min(2),
});
const SingleFieldIndex = z.union([
  z.strictObject({ queryScope: QueryScope, order: Order }),
  z.strictObject({ queryScope: QueryScope, arrayConfig: z.literal('CONTAINS') }),
]);
const FieldOverride = z.strictObject({
  collectionGroup: z.string().min(1),
  fieldPath: z.string().min(1),
  ttl: z.boolean().optional(),
  indexes: z.array(SingleFieldIndex),
});
const IndexFile = z.strictObject({ indexes: z.array(CompositeIndex), fieldOverrides: z.array(FieldOverride) });
type CompositeIndex = z.infer<typeof CompositeIndex>;

interface DocumentedQuery {
  name: string;
  collectionGroup: string;
  equals: string[];
  arrayContains?: string;
  orderBy: { fieldPath: string; order: 'ASCENDING' | 'DESCENDING' };
}

const recent = { fieldPath: 'receivedAt', order: 'DESCENDING' } as const;
const DOCUMENTED_QUERIES: DocumentedQuery[] = [
  { name: 'recent malicious', collectionGroup: 'scans', equals: ['verdict'], orderBy: recent },
  { name: 'one mailbox', collectionGroup: 'scans', equals: ['mailbox'], orderBy: recent },
  { name: 'one mailbox, one verdict', collectionGroup: 'scans', equals: ['mailbox', 'verdict'], orderBy: recent },
  { name: 'sender domain', collectionGroup: 'scans', equals: ['fromDomain'], orderBy: recent },
  { name: 'IOC: domain', collectionGroup: 'scans', equals: [], arrayContains: 'iocDomains', orderBy: recent },
  { name: 'IOC: URL', collectionGroup: 'scans', equals: [], arrayContains: 'iocUrls', orderBy: recent },
  { name: 'IOC: SHA-256', collectionGroup: 'scans', equals: [], arrayContains: 'iocSha256', orderBy: recent },
  { name: 'failed actions', collectionGroup: 'scans', equals: ['actionStatus'], orderBy: recent },
  // The pipeline's own queries (FirestoreRepository.listOverdueScans and listFailedActions).
  { name: 'overdue scans (sweeper)', collectionGroup: 'scans', equals: ['decided'], orderBy: { fieldPath: 'createdAt', order: 'ASCENDING' } },
  {
    name: 'actions to retry (sweeper)',
    collectionGroup: 'scans',
    equals: ['actionStatus'],
    orderBy: { fieldPath: 'actionAttempts', order: 'ASCENDING' },
  },
  {
    name: 'stale pending actions (sweeper)',
    collectionGroup: 'scans',
    equals: ['actionStatus'],
    orderBy: { fieldPath: 'decidedAt', order: 'ASCENDING' },
  },
  { name: 'audit of a mailbox', collectionGroup: 'audit', equals: ['mailbox'], orderBy: { fieldPath: 'at', order: 'DESCENDING' } },
];

/** Firestore's rule: equality (and the one array-contains) fields in any order, then the order-by field. */
function serves(index: CompositeIndex, query: DocumentedQuery): boolean {
  if (index.collectionGroup !== query.collectionGroup || index.queryScope !== 'COLLECTION') return false;
  const last = index.fields[index.fields.length - 1];
  if (!last || last.fieldPath !== query.orderBy.fieldPath || !('order' in last) || last.order !== query.orderBy.order) return false;
  const leading = index.fields.slice(0, -1);
  const wanted = [...query.equals.map((field) => `${field}:eq`), ...(query.arrayContains ? [`${query.arrayContains}:contains`] : [])];
  const present = leading.map((field) => `${field.fieldPath}:${'arrayConfig' in field ? 'contains' : 'eq'}`);
  return present.length === wanted.length && wanted.every((entry) => present.includes(entry));
}

const indexFile = IndexFile.parse(JSON.parse(readFileSync(join(ROOT, 'firestore.indexes.json'), 'utf8')));
const dataModel = readFileSync(join(ROOT, 'docs', 'data-model.md'), 'utf8');

describe('firestore.indexes.json', () => {
  it.each(DOCUMENTED_QUERIES.map((query) => [query.name, query] as const))('has an index for the %s query', (_name, query) => {
    expect(indexFile.indexes.filter((index) => serves(index, query))).toHaveLength(1);
  });

  it('has no composite index that no documented query uses', () => {
    const unused = indexFile.indexes.filter((index) => !DOCUMENTED_QUERIES.some((query) => serves(index, query)));
    expect(unused).toEqual([]);
  });

  it('puts at most one array-contains in an index', () => {
    for (const index of indexFile.indexes) {
      expect(index.fields.filter((field) => 'arrayConfig' in field).length).toBeLessThanOrEqual(1);
    }
  });

  it('declares each field override once, and at most one TTL field per collection group, unindexed', () => {
    const keys = indexFile.fieldOverrides.map((override) => `${override.collectionGroup}.${override.fieldPath}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ttl = indexFile.fieldOverrides.filter((override) => override.ttl);
    expect(new Set(ttl.map((override) => override.collectionGroup)).size).toBe(ttl.length);
    for (const override of ttl) expect(override.indexes).toEqual([]);
  });

  it('declares exactly the TTL policies Terraform manages (infra ttl_fields), so firebase deploy and Terraform agree', () => {
    const variables = readFileSync(join(ROOT, 'infra', 'variables.tf'), 'utf8');
    const block = /variable "ttl_fields" \{[\s\S]*?default\s*=\s*\{([^}]*)\}/.exec(variables);
    expect(block).not.toBeNull();
    const terraform = [...(block?.[1] ?? '').matchAll(/(\w+)\s*=\s*"(\w+)"/g)].map(([, group, field]) => `${group}.${field}`);
    const declared = indexFile.fieldOverrides.filter((override) => override.ttl).map((o) => `${o.collectionGroup}.${o.fieldPath}`);
    expect(terraform).toContain('scans.expireAt');
    expect(declared.sort()).toEqual(terraform.sort());
  });

  it('exempts the bulky, never-queried fields from indexing', () => {
    const exempt = indexFile.fieldOverrides.filter((override) => override.indexes.length === 0 && !override.ttl);
    expect(exempt.map((override) => `${override.collectionGroup}.${override.fieldPath}`)).toEqual(
      expect.arrayContaining(['scans.reasonDetails', 'engines.findings', 'engines.iocs', 'engineCache.findings', 'chunks.data']),
    );
  });

  it('only names collections and fields that docs/data-model.md describes', () => {
    const named = [
      ...indexFile.indexes.flatMap((index) => [index.collectionGroup, ...index.fields.map((field) => field.fieldPath)]),
      ...indexFile.fieldOverrides.flatMap((override) => [override.collectionGroup, override.fieldPath]),
    ];
    const undocumented = [...new Set(named)].filter((name) => !dataModel.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
