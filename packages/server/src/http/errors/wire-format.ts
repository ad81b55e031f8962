/**
 * The formats errors are written in: OAuth JSON, Entra's native-auth JSON, a page a person
 * reads, or the management API's problem details (RFC 9457).
 */
export type WireFormat = 'oauth' | 'native-auth' | 'html' | 'problem';
