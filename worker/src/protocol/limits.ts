/** Limits of the API, each with its reason. Documented in docs/api.md. */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest JSON body of any non-sync route: credentials and workspace names are small. */
export const MAX_SMALL_BODY_BYTES = 16 * KiB;
/** Largest sync request body or WebSocket message: bounds the memory one request can pin. */
export const MAX_SYNC_MESSAGE_BYTES = 1 * MiB;
/** Largest single encrypted change (its base64url text). Also keeps a row far below SQLite's 2 MB cap. */
export const MAX_CHANGE_BYTES = 256 * KiB;
/** The same limit for a change's raw bytes in a binary frame: the bytes whose base64url is MAX_CHANGE_BYTES. */
export const MAX_CHANGE_RAW_BYTES = (MAX_CHANGE_BYTES / 4) * 3;
/**
 * A sync socket's messages that may arrive ahead of an earlier one still missing, and their total size: the room
 * holds them in memory until the gap is filled (see `seq`). A client that waits for each `ack` needs three.
 */
export const MAX_SYNC_MESSAGES_AHEAD = 16;
export const MAX_SYNC_BYTES_AHEAD = 2 * MiB;
/** Most changes in one push: with MAX_CHANGE_BYTES this keeps a transaction short. */
export const MAX_CHANGES_PER_PUSH = 500;
/** Default and largest page of a pull, in changes; a page is also cut before it exceeds MAX_SYNC_MESSAGE_BYTES. */
export const DEFAULT_PULL_LIMIT = 100;
export const MAX_PULL_LIMIT = 1000;

export const MIN_PASSWORD_LENGTH = 12;
/** PBKDF2 cost grows with the password length; a cap stops a login from being a CPU bomb. */
export const MAX_PASSWORD_LENGTH = 1024;
/** RFC 5321 limits a path to 254 characters. */
export const MAX_EMAIL_LENGTH = 254;
/** Workspace names are opaque (clients encrypt them). */
export const MAX_WORKSPACE_NAME_BYTES = 1 * KiB;
/** Change ids are the client's; long enough for a UUID or a hash, short enough to index. */
export const MAX_CHANGE_ID_LENGTH = 128;

/** Share codes: 8 symbols of SHARE_CODE_ALPHABET, redeemable once within five minutes. */
export const SHARE_CODE_LENGTH = 8;
export const SHARE_CODE_TTL_MS = 5 * 60 * 1000;
/** Codes are spread over this many Durable Objects so that no single object serves every invite. */
export const SHARE_CODE_SHARDS = 16;

/**
 * A sync socket that has not joined (auth, then join) this long after opening is told why and closed, and so is a
 * signalling socket that has subscribed to nothing: an idle socket costs the room memory and a connection slot.
 * Clients send their first messages at once; ten seconds leaves room for a slow network.
 */
export const SOCKET_HANDSHAKE_TIMEOUT_MS = 10_000;

/** y-webrtc's offers and answers are a few KiB; 64 KiB leaves room for many ICE candidates, not for data. */
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * KiB;
/** y-webrtc subscribes a socket to one topic per room it syncs over that connection. */
export const MAX_SIGNAL_TOPICS_PER_SOCKET = 16;
export const MAX_SIGNAL_TOPIC_LENGTH = 256;
/** Account tokens are JWTs of a few hundred characters; anything longer is not one. */
export const MAX_TOKEN_LENGTH = 4096;
/** An org's devices, with room to spare; a full room refuses newcomers rather than slowing everyone. */
export const MAX_SOCKETS_PER_SIGNAL_ROOM = 64;
/**
 * Signalling sockets one client address may hold in a room while not signed in (no `auth` with a valid account token,
 * or one that has expired): a quarter of a room, so that whoever learns a room id cannot fill it from one address.
 * Signed-in sockets count only towards the room's own limit, so an office of any size behind one address fits.
 */
export const MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS = 16;
/**
 * Beyond that share, sockets an address may open on the condition that their first message signs them in: every
 * socket opens unsigned, so without these a signed-in device could not get in once others at its address (in its
 * office, say) used up the share. Few, since a client signs in one round trip after opening.
 */
export const MAX_SIGNING_IN_SIGNAL_SOCKETS_PER_ADDRESS = 4;

/** A presence announcement lasts two minutes; peers re-announce to stay listed. */
export const PRESENCE_TTL_MS = 2 * 60 * 1000;
/** A full board (peers × data) reads as at most 64 KiB of data: what one GET of the board can cost. */
export const MAX_PRESENCE_DATA_BYTES = 1 * KiB;
export const MAX_PRESENCE_PEERS = 64;
