/**
 * An org's relay workspace: the Worker's encrypted change log for the org.
 *
 * Every member names the same workspace without asking anyone: its id is derived from the org key
 * (`OrgSubkeys.relayWorkspaceId`). The first member to start the relay creates it, registering the join verifier;
 * any other member's creation gets 409 CONFLICT and joins instead with the org's join secret, which the Worker
 * admits because the secret hashes to the verifier. The id is also recorded in the org document's `meta` map, so
 * a device that knows it joins directly.
 */
import type * as Y from 'yjs';
import { encodeBase64url, isWorkspaceId } from '#protocol';
import { bindCipher, type BoundCipher } from '../crypto/aead.ts';
import { joinVerifierFor } from '../crypto/join-verifier.ts';
import type { OrgSubkeys } from '../crypto/org-key.ts';
import { metaMap } from '../records/org-document.ts';
import { RelayApiError, type RelayApi } from './relay-api.ts';

/** A signed-in account on a Worker. */
export interface RelayAccount {
  api: RelayApi;
  /** A valid token for the account; asked for before every request. */
  getToken(): Promise<string>;
}

/** What the relay needs to know about an org: its id and the two subkeys that concern the relay. */
export interface RelayOrg {
  orgId: string;
  subkeys: Pick<OrgSubkeys, 'relayKey' | 'joinSecret' | 'relayWorkspaceId'>;
}

export interface RelayWorkspace {
  id: string;
  /** Seals and opens the workspace's changes and snapshots, bound to this org and workspace. */
  cipher: BoundCipher;
}

const RELAY_WORKSPACE_ID = 'relayWorkspaceId';
const utf8 = new TextEncoder();

/** The org's relay workspace id as its document records it, or null before the workspace exists. */
export function relayWorkspaceIdOf(doc: Y.Doc): string | null {
  const id = metaMap(doc).get(RELAY_WORKSPACE_ID);
  return typeof id === 'string' && isWorkspaceId(id) ? id : null;
}

/**
 * Records a workspace id learned outside the document (an invite carries it) so that this device joins the org's
 * workspace rather than creating another before the document arrives from a peer.
 */
export function recordRelayWorkspaceId(doc: Y.Doc, workspaceId: string): void {
  if (isWorkspaceId(workspaceId) && relayWorkspaceIdOf(doc) === null) metaMap(doc).set(RELAY_WORKSPACE_ID, workspaceId);
}

/** The cipher for a workspace's changes: `relay-update`, scoped to the workspace so blobs cannot move between them. */
export function relayUpdateCipher(org: RelayOrg, workspaceId: string): BoundCipher {
  return bindCipher(org.subkeys.relayKey, { orgId: org.orgId, purpose: 'relay-update', scope: workspaceId });
}

/**
 * Joins or creates the org's relay workspace and records its id in the org document.
 * Throws `RelayApiError` `JOIN_REFUSED` when the join secret does not open the workspace the document names.
 * Without a document (a later epoch's workspace, docs/security.md), the workspace is the one the subkeys name.
 *
 * The join secret goes to the Worker only while the account is not a member yet (once per account and workspace,
 * not on every open): the Worker sees it in transit then, and keeps only its hash.
 */
export async function openRelayWorkspace(account: RelayAccount, org: RelayOrg, doc: Y.Doc | null): Promise<RelayWorkspace> {
  const token = await account.getToken();
  const known = doc && relayWorkspaceIdOf(doc);
  const id = known ?? org.subkeys.relayWorkspaceId;
  const member = await isMemberOf(account, token, id);
  if (known) {
    // Offline, the document's word is enough to start: the outbox fills, and the next open joins if need be.
    if (member === false) await account.api.joinWorkspace(token, known, org.subkeys.joinSecret);
    return { id: known, cipher: relayUpdateCipher(org, known) };
  }
  if (member !== true) {
    const name = encodeBase64url(await workspaceNameCipher(org).seal(utf8.encode(org.orgId)));
    await account.api.createWorkspace(token, name, await joinVerifierFor(org.subkeys.joinSecret), id).catch(async (err: unknown) => {
      if (!(err instanceof RelayApiError && err.code === 'CONFLICT')) throw err;
      await account.api.joinWorkspace(token, id, org.subkeys.joinSecret);
    });
  }
  if (doc) recordRelayWorkspaceId(doc, id);
  return { id, cipher: relayUpdateCipher(org, id) };
}

/** Whether the account is a member of the workspace already; null when the Worker cannot be reached. */
async function isMemberOf(account: RelayAccount, token: string, workspaceId: string): Promise<boolean | null> {
  try {
    const { workspaces } = await account.api.listWorkspaces(token);
    return workspaces.some((workspace) => workspace.id === workspaceId);
  } catch (err) {
    if (err instanceof RelayApiError && err.code === 'NETWORK') return null;
    throw err;
  }
}

/** The workspace name is the org id sealed under the relay key: only members can tell which org a workspace holds. */
function workspaceNameCipher(org: RelayOrg): BoundCipher {
  return bindCipher(org.subkeys.relayKey, { orgId: org.orgId, purpose: 'workspace-name', scope: '' });
}
