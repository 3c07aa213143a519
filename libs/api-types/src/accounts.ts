/** The learner as the account endpoints show it (`email` is null while anonymous). */
export interface AccountUserDto {
  id: string;
  email: string | null;
  name: string | null;
  onboardingCompleted: boolean;
}

export interface SignUpRequest {
  email: string;
  password: string;
  name?: string;
}

export interface SignInRequest {
  email: string;
  password: string;
}

/** POST /api/auth/sign-up (201) and /api/auth/sign-in (200). */
export interface AuthResponse {
  user: AccountUserDto;
  /** Bearer token of the new server-side session; replaces the anonymous one. */
  token: string;
}

/** GET /api/auth/session. */
export interface SessionDto {
  user: AccountUserDto;
  expiresAt: string;
}

export interface PasswordResetRequest {
  email: string;
}

export interface PasswordResetConfirmRequest {
  token: string;
  password: string;
}

/** Passwords: at least this long, at most this long, and not on the common-password list. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** GET /api/user/{id}/export: the learner's whole record. Sections other domains add appear as further keys. */
export interface UserExportDto {
  exportedAt: string;
  account: AccountUserDto & { createdAt: string; updatedAt: string };
  sessions: Array<{ kind: string; createdAt: string; lastUsedAt: string; expiresAt: string; revokedAt: string | null }>;
  [section: string]: unknown;
}
