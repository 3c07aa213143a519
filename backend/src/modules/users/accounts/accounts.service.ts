import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UserExportDto } from '@lectern/api-types';
import { ConflictError, DomainError, NotFoundError, RateCounter, RateLimitedError, UnauthorizedError } from '@lectern/infra';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { UserEntity } from '../entities/user.entity';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { MailerService } from './mailer.service';
import { sha256Hex, SessionService, type IssuedSession } from './session.service';
import { UserDataRegistry } from './user-data.registry';
import { UsersConfig } from '../users.config';

const FIFTEEN_MINUTES = 15 * 60;
const RESET_TTL_MINUTES = 60;
/** Reset mails one address may trigger per hour; beyond, requests still answer 202 and send nothing. */
const RESETS_PER_EMAIL_PER_HOUR = 5;
/** One message for a wrong password and an unknown email alike. */
export const BAD_CREDENTIALS = 'Wrong email or password';

export class ResetTokenInvalidError extends DomainError {
  constructor() {
    super(400, 'reset_token_invalid', 'This reset link was already used or has expired; ask for a new one');
  }
}

export interface SignedIn {
  user: UserEntity;
  session: IssuedSession;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/**
 * Accounts on top of the anonymous learners: sign-up (the anonymous learner
 * becomes the account), sign-in (an anonymous learner's data is merged into
 * the account), password reset by mailed link, export and deletion.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: UsersConfig,
    private readonly sessions: SessionService,
    private readonly registry: UserDataRegistry,
    private readonly mailer: MailerService,
    private readonly counter: RateCounter,
  ) {}

  /**
   * Creates an account. With the token of an anonymous learner, that learner
   * becomes the account (same id, everything kept) and its old sessions end;
   * otherwise a new learner is made. 409 when the email is taken (the unique
   * index decides, so two sign-ups at once give one 201 and one 409).
   */
  async signUp(
    email: string,
    password: string,
    name: string | undefined,
    anonymousToken: string | undefined,
    ip: string,
  ): Promise<SignedIn> {
    await this.limitByAddress(ip);
    const passwordHash = await hashPassword(password);
    const anonymous = await this.sessions.resolve(anonymousToken);
    try {
      return await this.dataSource.transaction(async (manager) => {
        let userId: string | undefined;
        if (anonymous) {
          const [rows] = (await manager.query(
            `UPDATE users SET email = $2, name = $3, password_hash = $4, updated_at = now() WHERE id = $1 AND password_hash IS NULL RETURNING id`,
            [anonymous.userId, email, name ?? null, passwordHash],
          )) as [Array<{ id: string }>, number];
          userId = rows[0]?.id;
          // The anonymous tokens were a way into this learner; from now on only a signed-in session is.
          if (userId) await this.sessions.revokeAllOf(userId, undefined, manager);
        }
        if (!userId) {
          const [row] = (await manager.query(`INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`, [
            email,
            name ?? null,
            passwordHash,
          ])) as Array<{ id: string }>;
          userId = row.id;
        }
        const session = await this.sessions.create(userId, 'account', manager);
        return { user: await manager.getRepository(UserEntity).findOneByOrFail({ id: userId }), session };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('email_taken', 'An account with this email already exists; sign in instead');
      throw error;
    } finally {
      if (anonymous) await this.sessions.announce({ userId: anonymous.userId });
    }
  }

  /**
   * Signs in. The same 401 (and one argon2 verification) whether or not the
   * email exists; 429 once an email has had SIGN_IN_FAILURES_PER_EMAIL
   * failures in 15 minutes or an address too many requests. With the token of
   * an anonymous learner, its data is merged into the account.
   */
  async signIn(email: string, password: string, anonymousToken: string | undefined, ip: string): Promise<SignedIn> {
    await this.limitByAddress(ip);
    const emailKey = sha256Hex(email);
    const failures = await this.counter.peek('sign-in-failures', emailKey, FIFTEEN_MINUTES).catch(() => undefined);
    if (failures && failures.count >= this.config.SIGN_IN_FAILURES_PER_EMAIL) {
      throw new RateLimitedError('failed sign-ins for this email', failures.retryAfterSeconds);
    }
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email });
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !user.passwordHash || !ok) {
      await this.counter.hit('sign-in-failures', emailKey, FIFTEEN_MINUTES).catch(() => undefined);
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    const anonymous = await this.sessions.resolve(anonymousToken);
    const session = await this.dataSource.transaction(async (manager) => {
      if (anonymous && anonymous.userId !== user.id) await this.mergeInto(anonymous.userId, user.id, manager);
      return this.sessions.create(user.id, 'account', manager);
    });
    if (anonymous && anonymous.userId !== user.id) await this.sessions.announce({ userId: anonymous.userId });
    return { user: await this.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id }), session };
  }

  /**
   * Moves an anonymous learner into an account and removes it, in the
   * caller's transaction: both rows are locked first (in id order, so two
   * merges cannot deadlock); a learner already merged (gone) or one that is
   * itself an account is left alone, so repeating it changes nothing.
   */
  async mergeInto(fromUserId: string, intoUserId: string, manager: EntityManager): Promise<void> {
    const locked = (await manager.query(
      `SELECT id, password_hash IS NOT NULL AS account FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[fromUserId, intoUserId]],
    )) as Array<{ id: string; account: boolean }>;
    const from = locked.find((r) => r.id === fromUserId);
    if (!from || from.account || !locked.some((r) => r.id === intoUserId)) return;
    // Onboarded on either device counts (the answers themselves follow the onboarding provider's rule).
    await manager.query(
      `UPDATE users SET onboarded_at = COALESCE(users.onboarded_at, f.onboarded_at), updated_at = now() FROM users f WHERE users.id = $2 AND f.id = $1`,
      [fromUserId, intoUserId],
    );
    for (const provider of this.registry.all()) await provider.merge(fromUserId, intoUserId, manager);
    await this.deleteRows(fromUserId, manager);
  }

  async sessionUser(userId: string): Promise<UserEntity> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new NotFoundError('user_not_found', `No user ${userId}`);
    return user;
  }

  /**
   * Mails a single-use reset link (valid one hour) when the email has an
   * account. Answers the same, at once, either way: the mail goes out in the
   * background, and over the per-email limit nothing is sent.
   */
  async requestPasswordReset(email: string, ip: string): Promise<void> {
    await this.limitByAddress(ip);
    const perEmail = await this.counter.hit('password-reset', sha256Hex(email), 3_600).catch(() => undefined);
    if (perEmail && perEmail.count > RESETS_PER_EMAIL_PER_HOUR) return;
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email });
    if (!user?.passwordHash) return;
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`,
      [sha256Hex(token), user.id, RESET_TTL_MINUTES],
    );
    // In the fragment, so the token never reaches a server log or a Referer header.
    const link = `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/reset-password#token=${token}`;
    this.mailer.sendPasswordReset(email, link).catch((error: unknown) => {
      this.logger.error(`Password reset mail to user ${user.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /**
   * Sets a new password from a reset link: the link is used up in the same
   * statement that checks it (so it works once), every other reset link of
   * the account is dropped and every session ends (but the caller's own, if
   * it sent one of this account's).
   */
  async confirmPasswordReset(token: string, password: string, currentSessionId?: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const revoked = await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE password_resets SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
        [sha256Hex(token)],
      )) as [Array<{ user_id: string }>, number];
      const userId = rows[0]?.user_id;
      if (!userId) throw new ResetTokenInvalidError();
      await manager.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [userId, passwordHash]);
      await manager.query(`DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL`, [userId]);
      return this.sessions.revokeAllOf(userId, currentSessionId, manager);
    });
    if (revoked.length > 0) await this.sessions.announce({ sessionIds: revoked });
  }

  /** The learner's whole record: account, sessions (no tokens) and every registered domain's section. */
  async exportUser(userId: string): Promise<UserExportDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const user = await manager.getRepository(UserEntity).findOneBy({ id: userId });
      if (!user) throw new NotFoundError('user_not_found', `No user ${userId}`);
      const sessions = (await manager.query(
        `SELECT kind, created_at, last_used_at, expires_at, revoked_at FROM sessions WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      )) as Array<{ kind: string; created_at: Date; last_used_at: Date; expires_at: Date; revoked_at: Date | null }>;
      const result: UserExportDto = {
        exportedAt: new Date().toISOString(),
        account: {
          id: user.id,
          email: user.email,
          name: user.name,
          onboardingCompleted: user.onboardedAt !== null,
          createdAt: user.createdAt.toISOString(),
          updatedAt: user.updatedAt.toISOString(),
        },
        sessions: sessions.map((s) => ({
          kind: s.kind,
          createdAt: s.created_at.toISOString(),
          lastUsedAt: s.last_used_at.toISOString(),
          expiresAt: s.expires_at.toISOString(),
          revokedAt: s.revoked_at?.toISOString() ?? null,
        })),
      };
      for (const provider of this.registry.all()) result[provider.name] = await provider.export(userId, manager);
      return result;
    });
  }

  /** Deletes the learner and everything of theirs in one transaction; their sessions end on every instance. */
  async deleteUser(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId])) as Array<{ id: string }>;
      if (!row) throw new NotFoundError('user_not_found', `No user ${userId}`);
      await this.deleteRows(userId, manager);
    });
    await this.sessions.announce({ userId });
  }

  private async deleteRows(userId: string, manager: EntityManager): Promise<void> {
    for (const provider of this.registry.all()) await provider.delete(userId, manager);
    await manager.query(`DELETE FROM password_resets WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM users WHERE id = $1`, [userId]);
  }

  /** Sign-in, sign-up and reset requests per client address (Redis, shared by every instance; let through when Redis is away). */
  private async limitByAddress(ip: string): Promise<void> {
    const hit = await this.counter.hit('auth-ip', ip, FIFTEEN_MINUTES).catch((error: unknown) => {
      this.logger.warn(`Address limit not applied (Redis: ${error instanceof Error ? error.message : String(error)})`);
      return undefined;
    });
    if (hit && hit.count > this.config.AUTH_REQUESTS_PER_IP)
      throw new RateLimitedError('account requests from this address', hit.retryAfterSeconds);
  }
}
