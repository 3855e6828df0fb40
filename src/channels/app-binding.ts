import type { App } from '../app.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import type { InboundMessage } from './types.ts';
import type { HandleResult } from '../router/router.ts';

/**
 * A live channel's link to an app that does not exist yet: createApp needs the channel's
 * adapter, and the channel needs the app's router and sender. The channel is built with these
 * late-bound deps; `bind(app)` completes the link before the channel starts.
 */
export interface AppBinding {
  bind(app: App): void;
  /** The bound app; throws (with the channel's start error code) if used before `bind`. */
  app(): App;
  router: { handle(msg: InboundMessage): Promise<HandleResult> };
  drain(): Promise<number>;
}

export function appBinding(channel: string, label: string, errorCode: ErrorCode): AppBinding {
  let bound: App | undefined;
  const app = (): App => {
    if (!bound) throw new AppError(errorCode, `The ${label} channel was used before bind(app).`);
    return bound;
  };
  return {
    bind: (a) => {
      bound = a;
    },
    app,
    router: { handle: (msg) => app().router.handle(msg) },
    drain: () => app().sender.drain(channel),
  };
}
