/**
 * E-mail through the SMTP server a deployment configures (CUSTODIA_SMTP_URL, e.g. `smtp://user:pass@mail:587`,
 * STARTTLS when the server offers it; `smtps://` for implicit TLS). Messages carry no medical content and no free
 * text a clinician wrote: only that something happened, when and by which organisation, and where to look.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  /** `smtp://` or `smtps://` URL, credentials in its user info. */
  readonly url: string;
  /** The sender address, e.g. `Custodia <no-reply@hospital.example>`. */
  readonly from: string;
}

export function smtpMailer(settings: SmtpSettings): Mailer {
  const transport: Transporter = nodemailer.createTransport(settings.url);
  return {
    send: async (message) => {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
    close: () => transport.close(),
  };
}
