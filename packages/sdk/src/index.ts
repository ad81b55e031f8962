/**
 * @baton/sdk, the browser-safe entry: fetch and WebCrypto only. Node-only pieces (the
 * encrypted file store, the `ws` WebSocket transport) are in `@baton/sdk/node`.
 */
export { NativeAuthClient, type NativeAuthConfig } from './native-auth/native-auth-client.js';
export { SignInPasswordRequired, SignInCodeRequired, type SignInResult } from './native-auth/sign-in-states.js';
export { SignedIn } from './native-auth/signed-in.js';
export {
  MfaRequired,
  MfaVerificationRequired,
  RegistrationRequired,
  RegistrationVerificationRequired,
  type AuthMethod,
} from './native-auth/mfa-states.js';
export {
  SignUpCodeRequired,
  SignUpPasswordRequired,
  SignUpAttributesRequired,
  SignUpCompleted,
  type SignUpInput,
  type SignUpResult,
  type Attributes,
  type RequiredAttribute,
} from './native-auth/sign-up-states.js';
export {
  ResetPasswordCodeRequired,
  ResetPasswordPasswordRequired,
  ResetPasswordCompleted,
  type ResetPasswordResult,
} from './native-auth/reset-password-states.js';
export type { CodeChallenge } from './native-auth/flow.js';
export { Account, type DeviceDecision, type SignOutOptions } from './tokens/account.js';
export type { DeviceSession, SignedOutElsewhere, SignInRecord } from './tokens/account-api.js';
export { DeviceSignIn, type DeviceCode, type DeviceSignInOptions } from './device/device-sign-in.js';
export type { AccountClaims, SessionRecord } from './tokens/session-record.js';
export { BatonSdkError, isSdkError, type SdkErrorCode } from './errors.js';
export type { ClientConfig } from './context.js';
export { defaultPlatform, type Platform, type DeviceInfo } from './platform.js';
export type { SecureStore, KeyPair, KeyPairKind } from './storage/secure-store.js';
export { MemoryStore } from './storage/memory-store.js';
export {
  MemorySharedDeviceStore,
  type DeviceSsoPair,
  type SharedDeviceStore,
} from './storage/shared-device-store.js';
export { IndexedDbStore, type IndexedDbStoreOptions } from './storage/indexeddb-store.js';
export { DpopSigner, type ProofRequest } from './dpop/dpop-proof.js';
export { Companion, type PairOptions } from './handoff/companion.js';
export type { HandOffOptions, HandOffResult, PairingConfirmation } from './handoff/phone.js';
export type { WebViewAuthorizeParams } from './handoff/web-view.js';
export { pairingCode } from './handoff/pairing-code.js';
export type {
  HandoffMessage,
  PairRequest,
  SessionTransfer,
  Paired,
  HandoffError,
  TransferPayload,
} from './handoff/messages.js';
export type { Transport, TransportMessage } from './transport/transport.js';
export { memoryTransportPair } from './transport/memory-transport.js';
export {
  webSocketTransport,
  openWebSocketTransport,
  type WebSocketLike,
  type WebSocketConstructor,
} from './transport/websocket-transport.js';
