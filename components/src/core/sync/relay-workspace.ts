/**
 * An org's relay workspace: the Worker's encrypted change log for the org, found or created on first use.
 *
 * How members find it: the org document's `meta` map holds `relayWorkspaceId` once the workspace exists, so the id
 * reaches every member with the document itself (peer-to-peer, as an invite brings it, or through the relay). A
 * member whose account is not yet in the workspace joins with the id from the document and the org's join secret;
 * the Worker admits it because the secret hashes to the verifier the creator registered. A device whose document
 * has no id yet looks among its account's workspaces for one whose encrypted name opens under the org's relay key
 * (another device of the same person created it), and only then creates one.
 */
import type * as Y from 'yjs';
import { decodeBase64url, encodeBase64url, isWorkspaceId, type Workspace } from '#protocol';
import { bindCipher, type BoundCipher } from '../crypto/aead.ts';
import { joinVerifierFor } from '../crypto/join-verifier.ts';
import type { OrgSubkeys } from '../crypto/org-key.ts';
import { metaMap } from '../org-document.ts';
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
  subkeys: Pick<OrgSubkeys, 'relayKey' | 'joinSecret'>;
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
 * Finds, joins or creates the org's relay workspace and records its id in the org document.
 * Throws `RelayApiError` `JOIN_REFUSED` when the join secret does not open the workspace the document names.
 */
export async function openRelayWorkspace(account: RelayAccount, org: RelayOrg, doc: Y.Doc): Promise<RelayWorkspace> {
  const token = await account.getToken();
  const known = relayWorkspaceIdOf(doc);
  if (known) {
    // Joining again is harmless, and it admits an account that is not a member yet. Offline, the document's word
    // is enough to start: the outbox fills, and the next open joins if this account turns out not to be a member.
    await account.api.joinWorkspace(token, known, org.subkeys.joinSecret).catch((err: unknown) => {
      if (!(err instanceof RelayApiError && err.code === 'NETWORK')) throw err;
    });
    return { id: known, cipher: relayUpdateCipher(org, known) };
  }
  const workspace = (await findOwnWorkspace(account.api, token, org)) ?? (await createWorkspace(account.api, token, org));
  recordRelayWorkspaceId(doc, workspace.id);
  return { id: workspace.id, cipher: relayUpdateCipher(org, workspace.id) };
}

/** The workspace name is the org id sealed under the relay key: only members can tell which org a workspace holds. */
function workspaceNameCipher(org: RelayOrg): BoundCipher {
  return bindCipher(org.subkeys.relayKey, { orgId: org.orgId, purpose: 'workspace-name', scope: '' });
}

async function findOwnWorkspace(api: RelayApi, token: string, org: RelayOrg): Promise<Workspace | null> {
  const cipher = workspaceNameCipher(org);
  const { workspaces } = await api.listWorkspaces(token);
  for (const workspace of workspaces) {
    const sealed = decodeBase64url(workspace.name);
    if (!sealed) continue;
    const opened = await cipher.open(sealed).catch(() => null);
    if (opened && new TextDecoder().decode(opened) === org.orgId) return workspace;
  }
  return null;
}

async function createWorkspace(api: RelayApi, token: string, org: RelayOrg): Promise<Workspace> {
  const name = encodeBase64url(await workspaceNameCipher(org).seal(utf8.encode(org.orgId)));
  return api.createWorkspace(token, name, await joinVerifierFor(org.subkeys.joinSecret));
}
