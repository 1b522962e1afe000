export { Connection, isClosedError, pendingLibvirtCalls } from './connection.js';
export type { ConnectionApi, OpenOptions } from './connection.js';
export {
  ClosedError,
  ErrorCode,
  ErrorDomain,
  LibvirtError,
  fromNativeError,
  isAuthError,
  isConnectionLost,
  isLibvirtError,
  isNoDomain,
  isUnsupported,
} from './errors.js';
export type { ErrorContext, LibvirtErrorInit } from './errors.js';
export { TypedParamType, addonPath, loadAddon } from './addon.js';
export type { NativeAddon } from './addon.js';
export * from './types.js';
