import {
  isErrorBody,
  parseChangesPage,
  type ChangesPage,
  type CompactRequest,
  type CompactResult,
  type CreateAccountResponse,
  type EncryptedChange,
  type ErrorCode,
  type ListWorkspacesResponse,
  type LoginResponse,
  type PushResult,
  type RedeemShareCodeResponse,
  type Session,
  type ShareCodeResponse,
  type Workspace,
} from '#protocol';

/** A refusal from the Worker, with the protocol's error code for the caller to act on. */
export class RelayApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
    /** Seconds to wait, from `Retry-After`. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'RelayApiError';
  }
}

/** The Worker's HTTP API as the client core calls it. Types come from the shared protocol module. */
export class RelayApi {
  constructor(
    readonly workerUrl: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  createAccount(email: string, password: string): Promise<CreateAccountResponse> {
    return this.request('POST', '/api/accounts', { body: { email, password } });
  }

  /**
   * `deviceToken`: the one the last sign-up or login on this device answered with. With it, failed logins by others
   * for the same email cannot lock this device out; keep the new one each answer carries.
   */
  login(email: string, password: string, deviceToken?: string): Promise<LoginResponse> {
    return this.request('POST', '/api/login', { body: { email, password, ...(deviceToken === undefined ? {} : { deviceToken }) } });
  }

  /** A fresh access token and a new refresh token, which replaces `refreshToken` (docs/api.md, "Sessions"). */
  refreshSession(refreshToken: string): Promise<Session> {
    return this.request('POST', '/api/sessions/refresh', { body: { refreshToken } });
  }

  listWorkspaces(token: string): Promise<ListWorkspacesResponse> {
    return this.request('GET', '/api/workspaces', { token });
  }

  /** With `id`, a 409 CONFLICT means the workspace exists already: join it. */
  createWorkspace(token: string, name: string, joinVerifier: string, id?: string): Promise<Workspace> {
    return this.request('POST', '/api/workspaces', { token, body: { name, joinVerifier, ...(id === undefined ? {} : { id }) } });
  }

  joinWorkspace(token: string, workspaceId: string, joinSecret: string): Promise<Workspace> {
    return this.request('POST', `/api/workspaces/${workspaceId}/join`, { token, body: { joinSecret } });
  }

  pushChanges(token: string, workspaceId: string, changes: EncryptedChange[]): Promise<PushResult> {
    return this.request('POST', `/sync/${workspaceId}/changes`, { token, body: changes });
  }

  /** Checked as the socket's pages are (parseChangesPage): a malformed page is an error, never applied. */
  async pullChanges(token: string, workspaceId: string, since: number, limit?: number): Promise<ChangesPage> {
    const query = `since=${since}${limit === undefined ? '' : `&limit=${limit}`}`;
    return parseChangesPage(await this.request<unknown>('GET', `/sync/${workspaceId}/changes?${query}`, { token }));
  }

  compact(token: string, workspaceId: string, request: CompactRequest): Promise<CompactResult> {
    return this.request('POST', `/sync/${workspaceId}/snapshot`, { token, body: request });
  }

  /** A one-time code for an invite room (the invitee redeems it once, within five minutes). */
  createShareCode(roomId: string): Promise<ShareCodeResponse> {
    return this.request('POST', '/api/share-codes', { body: { roomId } });
  }

  redeemShareCode(code: string): Promise<RedeemShareCodeResponse> {
    return this.request('POST', `/api/share-codes/${encodeURIComponent(code.trim())}/redeem`, {});
  }

  /** The WebSocket URL of a workspace's sync room. */
  syncSocketUrl(workspaceId: string): string {
    return `${this.workerUrl.replace(/^http/, 'ws')}/sync/${workspaceId}`;
  }

  private async request<T>(method: string, path: string, options: { token?: string; body?: unknown }): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.workerUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (err) {
      throw new RelayApiError('NETWORK', `cannot reach ${this.workerUrl}: ${(err as Error).message}`, 0);
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as T;
    const retryAfter = Number(response.headers.get('retry-after') ?? '') || undefined;
    if (isErrorBody(body)) throw new RelayApiError(body.error.code, body.error.message, response.status, retryAfter);
    throw new RelayApiError('INTERNAL', `the Worker answered ${response.status}`, response.status, retryAfter);
  }
}
