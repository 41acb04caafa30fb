import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Jurisdiction, MemberRef } from './primitives.ts';

/** Namespace for OpenPolicy event ids (uuid v5); changing it would re-key every event ever written. */
const EVENT_NAMESPACE = '6f1d2c9e-5b7a-4c3e-9a51-0d3b2f8e7a41';

/** The scheme whose ids are a member's canonical id in each jurisdiction. */
export const PRIMARY_SCHEME: Record<Jurisdiction, string> = { us: 'bioguide', ca: 'ca-person' };

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '');

export const billId = (j: Jurisdiction, session: string, type: string, number: string | number) =>
  `${j}-${slug(session)}-${slug(type)}-${slug(String(number))}`;

export const voteId = (j: Jurisdiction, session: string, chamberCode: string, number: string | number) =>
  `${j}-${slug(session)}-${slug(chamberCode)}${slug(String(number))}`;

export const memberId = (j: Jurisdiction, primaryId: string) => `${j}-${primaryId}`;

/** Every alias a member can be looked up by: `us-lis-S354`, and for the primary scheme the member id itself. */
export const memberAlias = (j: Jurisdiction, ref: MemberRef) =>
  ref.scheme === PRIMARY_SCHEME[j] ? memberId(j, ref.id) : `${j}-${ref.scheme}-${ref.id}`;

/**
 * Hash of a record's content. Commands are parsed by their schema before this, which emits object keys in
 * schema order, so plain JSON is canonical for them (and far cheaper than sorting the keys of 500k ballots).
 */
export const contentHash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Deterministic event id: the same record ingested twice gets the same id (a duplicate), while a changed
 * record (new action, corrected ballot) gets a new one and lands as an update.
 */
export const eventId = (type: string, streamId: string, data: unknown) =>
  uuidv5(`${type}|${streamId}|${contentHash(data)}`, EVENT_NAMESPACE);
