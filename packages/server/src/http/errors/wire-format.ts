/**
 * The formats errors are written in: OAuth JSON, Entra's native-auth JSON (V1, and V2's
 * nested errors), a page a person reads, or the management API's problem details (RFC 9457).
 */
export type WireFormat = 'oauth' | 'native-auth' | 'native-auth-v2' | 'html' | 'problem';
