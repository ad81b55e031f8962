/** The parts of the management API's answers the console shows (the routes' schemas in http/admin/ are the whole of them). */

export interface PageOf<T> {
  items: T[];
  next_cursor: string | null;
}

export interface TenantJson {
  name: string;
  display_name: string;
  signing_alg: string;
  code_length: number;
  created_at: string;
}

export interface AppJson {
  client_id: string;
  name: string;
  type: 'public' | 'confidential';
  challenge_types: string[];
  require_mfa: boolean;
  allow_refresh_token_export: boolean;
  allow_session_transfer: boolean;
  accept_session_transfer: boolean;
  device_code: boolean;
  admin: 'read' | 'write' | null;
  scopes: string[];
  created_at: string;
  client_secret?: string;
}

export interface UserJson {
  id: string;
  email: string;
  email_verified: boolean;
  display_name: string | null;
  created_at: string;
}

export interface SessionJson {
  id: string;
  parent_id: string | null;
  app: { client_id: string; name: string | null };
  device: { id: string; name: string; platform: string; kind: string };
  created_at: string;
  last_used_at: string;
  amr: string[];
  status: 'active' | 'expired' | 'revoked';
  revoked_at: string | null;
}

export interface AuditEventJson {
  id: number;
  at: string;
  type: string;
  user_id: string | null;
  client_id: string | null;
  ip: string | null;
  data: Record<string, unknown>;
}

export interface PolicyJson {
  version: number;
  document: { rules: unknown[] };
  created_at: string | null;
  created_by: string | null;
}

export interface DecisionJson {
  decision: 'allow' | 'block' | 'require_mfa';
  rules: string[];
  report_only: string[];
  failed: Array<{ rule: string; message: string }>;
  version: number;
}
