import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { UsersConfig } from '../users.config';
import { createTransport, type Transporter } from 'nodemailer';

/**
 * Account mail through nodemailer to SMTP_URL. Without SMTP_URL (development)
 * nothing is sent: the link is written to the log at warn level instead.
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailerService.name);
  private transport?: Transporter;

  constructor(private readonly config: UsersConfig) {}

  async sendPasswordReset(to: string, link: string): Promise<void> {
    const text = [
      'Someone (we hope you) asked to reset the password of your Lectern account.',
      '',
      `Choose a new password here (the link works once, for one hour):`,
      link,
      '',
      'If it was not you, ignore this mail: your password stays as it is.',
    ].join('\n');
    if (!this.config.SMTP_URL) {
      this.logger.warn(`SMTP_URL is not set, so no mail was sent. Password reset link for ${to}: ${link}`);
      return;
    }
    this.transport ??= createTransport(this.config.SMTP_URL);
    await this.transport.sendMail({ from: this.config.MAIL_FROM, to, subject: 'Reset your Lectern password', text });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
