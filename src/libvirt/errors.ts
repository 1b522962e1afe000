// Errors raised by the libvirt binding.
//
// The native addon rejects with plain Errors carrying libvirt's own message
// plus `code` (virErrorNumber), `domain` (virErrorDomain) and `call` (the
// libvirt function that failed); `closed: true` marks calls on a connection
// that is not open. Connection (./connection.ts) turns those into the
// classes below, adding the URI and the domain UUID/name.

/** virErrorNumber values this code looks at (libvirt's virterror.h). */
export const ErrorCode = {
  InternalError: 1,
  NoMemory: 2,
  NoSupport: 3,
  NoConnect: 5,
  InvalidConn: 6,
  InvalidDomain: 7,
  InvalidArg: 8,
  OperationFailed: 9,
  XmlError: 27,
  OperationDenied: 29,
  SystemError: 38,
  Rpc: 39,
  NoDomain: 42,
  NoNetwork: 43,
  AuthFailed: 45,
  NoStoragePool: 49,
  NoStorageVol: 50,
  OperationInvalid: 55,
  OperationTimeout: 68,
  ArgumentUnsupported: 74,
  AuthCancelled: 79,
  OperationUnsupported: 84,
  AgentUnresponsive: 86,
  AccessDenied: 88,
  AuthUnavailable: 94,
} as const;

/** virErrorDomain values this code looks at. */
export const ErrorDomain = {
  None: 0,
  Rpc: 7,
  Qemu: 10,
  Test: 12,
  Remote: 13,
} as const;

export interface LibvirtErrorInit {
  message: string;
  code: number;
  domain: number;
  level?: number;
  call: string;
  method?: string | null;
  uri?: string | null;
  domainName?: string | null;
  uuid?: string | null;
  cause?: unknown;
}

/** A failed libvirt call. `message` is libvirt's own message, unchanged. */
export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  /** virErrorNumber, e.g. 42 = VIR_ERR_NO_DOMAIN. */
  readonly code: number;
  /** virErrorDomain: which libvirt layer reported it, e.g. 7 = RPC, 10 = QEMU. */
  readonly domain: number;
  /** virErrorLevel (2 = error, 1 = warning). */
  readonly level: number;
  /** The libvirt function that failed, e.g. "virDomainLookupByUUIDString". */
  readonly call: string;
  /** The binding method that was called, e.g. "domainInfo"; null if unknown. */
  readonly method: string | null;
  /** Connection URI as passed to open(). */
  readonly uri: string | null;
  /** Name of the domain involved, when the call got far enough to know it. */
  readonly domainName: string | null;
  /** UUID the call addressed, for per-domain calls. */
  readonly uuid: string | null;

  constructor(init: LibvirtErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.domain = init.domain;
    this.level = init.level ?? 2;
    this.call = init.call;
    this.method = init.method ?? null;
    this.uri = init.uri ?? null;
    this.domainName = init.domainName ?? null;
    this.uuid = init.uuid ?? null;
  }
}

/** A call on a Connection that was closed (or never opened): our own state,
 *  not a libvirt failure, so it is not a LibvirtError. */
export class ClosedError extends Error {
  override readonly name = 'ClosedError';
  /** The binding method that was called, e.g. "listAllDomains". */
  readonly method: string;
  readonly uri: string | null;

  constructor(message: string, method: string, uri: string | null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.method = method;
    this.uri = uri;
  }
}

export function isLibvirtError(err: unknown): err is LibvirtError {
  return err instanceof LibvirtError;
}

/** The domain does not exist (any more): VIR_ERR_NO_DOMAIN. */
export function isNoDomain(err: unknown): boolean {
  return err instanceof LibvirtError && err.code === ErrorCode.NoDomain;
}

/**
 * The connection to the hypervisor is unusable and must be reopened.
 *
 * True for:
 *  - VIR_ERR_NO_CONNECT (5) and VIR_ERR_INVALID_CONN (6): could not connect /
 *    the connection object is no longer valid;
 *  - VIR_ERR_RPC (39): RPC-level failure (e.g. undecodable reply);
 *  - VIR_ERR_SYSTEM_ERROR (38) reported by the RPC or remote layer (domain 7
 *    or 13): socket errors such as "End of file while reading data" or
 *    "Cannot recv data: Connection reset by peer". A SYSTEM_ERROR from a
 *    hypervisor driver (e.g. QEMU failing to open a file) is NOT connection
 *    loss and is excluded;
 *  - VIR_ERR_INTERNAL_ERROR (1) from the RPC layer: libvirt's
 *    "client socket is closed", returned by every call after the socket died
 *    (including keepalive timeouts).
 *
 * Deliberately false for authentication failures (see isAuthError):
 * reconnecting with the same credentials cannot fix them, so callers should
 * report them instead of retrying. Also false for ClosedError, which means
 * the application closed the connection itself.
 */
export function isConnectionLost(err: unknown): boolean {
  if (!(err instanceof LibvirtError)) return false;
  switch (err.code) {
    case ErrorCode.NoConnect:
    case ErrorCode.InvalidConn:
    case ErrorCode.Rpc:
      return true;
    case ErrorCode.SystemError:
      return err.domain === ErrorDomain.Rpc || err.domain === ErrorDomain.Remote;
    case ErrorCode.InternalError:
      return err.domain === ErrorDomain.Rpc;
    default:
      return false;
  }
}

/** Authentication failed, was cancelled, or no usable method was offered
 *  (VIR_ERR_AUTH_FAILED 45, VIR_ERR_AUTH_CANCELLED 79, VIR_ERR_AUTH_UNAVAILABLE 94). */
export function isAuthError(err: unknown): boolean {
  return (
    err instanceof LibvirtError &&
    (err.code === ErrorCode.AuthFailed ||
      err.code === ErrorCode.AuthCancelled ||
      err.code === ErrorCode.AuthUnavailable)
  );
}

/** The driver does not implement the call (VIR_ERR_NO_SUPPORT 3). */
export function isUnsupported(err: unknown): boolean {
  return err instanceof LibvirtError && err.code === ErrorCode.NoSupport;
}

export interface ErrorContext {
  method: string;
  uri: string | null;
  uuid?: string | null;
}

interface NativeErrorShape {
  message?: unknown;
  code?: unknown;
  domain?: unknown;
  level?: unknown;
  call?: unknown;
  closed?: unknown;
  domainName?: unknown;
  uuid?: unknown;
}

/** Converts an error thrown by the native addon; anything else (TypeError
 *  from argument checks, bugs) is returned unchanged. */
export function fromNativeError(err: unknown, ctx: ErrorContext): unknown {
  if (!(err instanceof Error) || err instanceof LibvirtError || err instanceof ClosedError) return err;
  const e = err as Error & NativeErrorShape;
  if (e.closed === true) {
    return new ClosedError(e.message, typeof e.call === 'string' ? e.call : ctx.method, ctx.uri, err);
  }
  if (typeof e.code === 'number' && typeof e.domain === 'number') {
    return new LibvirtError({
      message: e.message,
      code: e.code,
      domain: e.domain,
      level: typeof e.level === 'number' ? e.level : undefined,
      call: typeof e.call === 'string' ? e.call : ctx.method,
      method: ctx.method,
      uri: ctx.uri,
      domainName: typeof e.domainName === 'string' ? e.domainName : null,
      uuid: typeof e.uuid === 'string' ? e.uuid : (ctx.uuid ?? null),
      cause: err,
    });
  }
  return err;
}
