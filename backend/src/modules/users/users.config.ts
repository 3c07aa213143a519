import { emptyToUndefined, toInt } from '@lectern/infra';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

/** Accounts' settings (sign-up, sessions, password reset), read and validated at start-up with the rest (see `loadConfig`). */
export class UsersConfig {
  /** How long an account's session lasts without use, in days (sliding: every use extends it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  SESSION_TTL_DAYS = 30;

  /** How long an in-process copy of a session check may be reused, in ms (revocations reach other api instances through Redis sooner). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000)
  SESSION_CACHE_MS = 1_000;

  /** Where password-reset mail goes (smtp:// or smtps://, credentials in the URL); empty = the link is logged at warn level instead. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:pass@smtp.example.com:465' })
  SMTP_URL?: string;

  /** Sender of account mail. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Lectern <no-reply@lectern.local>';

  /** The web app's address as learners reach it; password-reset links point there. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL, e.g. https://lectern.example.com' })
  PUBLIC_URL = 'http://127.0.0.1:3000';

  /** Failed sign-ins one email may have per 15 minutes (429 beyond, Redis-backed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000)
  SIGN_IN_FAILURES_PER_EMAIL = 5;

  /** Sign-in, sign-up and password-reset requests one IP address may make per 15 minutes (Redis-backed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_REQUESTS_PER_IP = 50;
}
