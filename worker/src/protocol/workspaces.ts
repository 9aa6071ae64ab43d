import { MAX_WORKSPACE_NAME_BYTES } from './limits.ts';
import { BASE64URL_PATTERN, expectObject, expectString, optionalString } from './validation.ts';

export interface Workspace {
  id: string;
  /** Opaque to the server: clients encrypt it. */
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface CreateWorkspaceRequest {
  /**
   * A v4 UUID the client derived from a secret (an org key), so that every member names the same workspace;
   * a random one is made when absent. An id that exists already is a 409 CONFLICT: join it instead.
   */
  id?: string;
  name: string;
  /** base64url(SHA-256(joinSecret)); without it no other account can join. */
  joinVerifier?: string;
}

export interface JoinWorkspaceRequest {
  /** base64url of the secret whose SHA-256 is the workspace's join verifier. */
  joinSecret: string;
}

export interface ListWorkspacesResponse {
  workspaces: Workspace[];
}

/** Random v4 UUIDs (122 random bits), lower case. */
export const WORKSPACE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isWorkspaceId(value: string): boolean {
  return WORKSPACE_ID_PATTERN.test(value);
}

/** A SHA-256 digest in base64url is 43 characters. */
const DIGEST_B64URL_LENGTH = 43;

export function parseCreateWorkspace(body: unknown): CreateWorkspaceRequest {
  const obj = expectObject(body);
  const name = expectString(obj, 'name', { minLength: 1, maxBytes: MAX_WORKSPACE_NAME_BYTES });
  const joinVerifier = optionalString(obj, 'joinVerifier', {
    minLength: DIGEST_B64URL_LENGTH,
    maxLength: DIGEST_B64URL_LENGTH,
    pattern: BASE64URL_PATTERN,
    patternHint: 'must be base64url',
  });
  const id = optionalString(obj, 'id', { pattern: WORKSPACE_ID_PATTERN, patternHint: 'must be a lower-case v4 UUID' });
  return { name, ...(id === undefined ? {} : { id }), ...(joinVerifier === undefined ? {} : { joinVerifier }) };
}

export function parseJoinWorkspace(body: unknown): JoinWorkspaceRequest {
  const obj = expectObject(body);
  const joinSecret = expectString(obj, 'joinSecret', {
    minLength: 22, // at least 128 bits
    maxLength: 512,
    pattern: BASE64URL_PATTERN,
    patternHint: 'must be base64url',
  });
  return { joinSecret };
}
