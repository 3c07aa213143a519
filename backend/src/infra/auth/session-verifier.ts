/** What a session check answers: whose token it is, or why it is refused. */
export type SessionCheck = { ok: true; userId: string; sessionId: string } | { ok: false; message: string };

/**
 * Checks a bearer token against the server-side sessions. Infra defines the
 * question; the users module (which owns the sessions table) answers it, so
 * every domain's LearnerGuard works without depending on the users module.
 */
export abstract class SessionVerifier {
  abstract verify(token: string): Promise<SessionCheck>;
}
