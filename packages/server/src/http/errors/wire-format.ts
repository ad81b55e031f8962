/** The formats errors are written in: OAuth JSON, Entra's native-auth JSON, or a page a person reads. */
export type WireFormat = 'oauth' | 'native-auth' | 'html';
