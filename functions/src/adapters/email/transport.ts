/**
 * The SMTP connection: nodemailer with a pooled connection (one TCP/TLS session reused for many mails; without it each
 * mail opens its own), from the `SMTP_CONNECTION` secret (`smtps://USER@HOST:465` or `smtp://USER@HOST:587`, no
 * password) and the `SMTP_PASSWORD` secret. Every step has a timeout, so a mail server that hangs fails the send
 * instead of holding the notifier.
 *
 * `RUNWAY_SMTP_URL` (e.g. `smtp://127.0.0.1:2525`) replaces the connection for a local sink (the sandbox's): plain
 * SMTP, no STARTTLS, no authentication.
 */
import nodemailer, { type Transporter } from 'nodemailer';

/** The environment variable with the URL of a local SMTP sink. */
export const SMTP_URL_ENV = 'RUNWAY_SMTP_URL';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (smtps, port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** A local sink: no TLS at all. */
  readonly local: boolean;
}

/** Timeouts of each step (connect, greeting, idle socket). */
export const SMTP_TIMEOUT_MS = 10_000;

/** Settings from the connection URL and password; null when not configured or not a URL. */
export function smtpSettings(connection: string, password: string, local = false): SmtpSettings | null {
  if (!connection) return null;
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    return null;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return null;
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: password || null,
    local,
  };
}

/** The settings in force: the local sink's if `RUNWAY_SMTP_URL` is set, else the secrets'. */
export function settingsFrom(connection: string, password: string, env: NodeJS.ProcessEnv = process.env) {
  const local = env[SMTP_URL_ENV];
  return local ? smtpSettings(local, '', true) : smtpSettings(connection, password);
}

/** A pooled transport for `settings`. */
export function createTransport(settings: SmtpSettings): Transporter {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.local ? { ignoreTLS: true } : { requireTLS: !settings.secure }),
    ...(settings.user && settings.password ? { auth: { user: settings.user, pass: settings.password } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
}
