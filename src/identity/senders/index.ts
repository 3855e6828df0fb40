import type { Writable } from 'node:stream';
import type { Config } from '../../config.ts';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { CodeDispatch } from '../otp.ts';
import { ConsoleCodeSender } from './console-sender.ts';
import { HttpSmsCodeSender } from './http-sms-sender.ts';
import { SmtpCodeSender } from './smtp-sender.ts';

/**
 * Delivers a one-time code. Called after the unit of work that started the challenge committed.
 * A failure rejects with an `AppError` (`CODE_SEND_FAILED`) whose message names the cause (HTTP
 * status, SMTP error code) and never the code, the number or the address, so it may be logged.
 */
export interface CodeSender {
  send(d: CodeDispatch): Promise<void>;
}

export { ConsoleCodeSender, HttpSmsCodeSender, SmtpCodeSender };

/**
 * The ways the configured sender can deliver a code: choose the principal's mobile or email by
 * this, or a code for a destination the sender cannot reach would only fail after the commit.
 */
export function senderChannels(config: Pick<Config, 'otpSender'>): ReadonlyArray<'sms' | 'email'> {
  switch (config.otpSender) {
    case 'console':
      return ['sms', 'email'];
    case 'smtp':
      return ['email'];
    case 'sms':
      return ['sms'];
  }
}

/** The sender OTP_SENDER names, configured from the environment (see .env.example). */
export function createCodeSender(
  config: Pick<Config, 'otpSender' | 'smtp' | 'smsGateway'>,
  opts: { consoleOut?: Writable } = {},
): CodeSender {
  switch (config.otpSender) {
    case 'console':
      return new ConsoleCodeSender(opts.consoleOut);
    case 'smtp':
      if (!config.smtp) throw new AppError(ERROR_CODES.CONFIG_INVALID, 'OTP_SENDER=smtp needs SMTP_URL and SMTP_FROM (see .env.example).');
      return new SmtpCodeSender(config.smtp);
    case 'sms':
      if (!config.smsGateway) throw new AppError(ERROR_CODES.CONFIG_INVALID, 'OTP_SENDER=sms needs SMS_GATEWAY_URL (see .env.example).');
      return new HttpSmsCodeSender(config.smsGateway);
  }
}
