import type { Writable } from 'node:stream';
import type { ChannelAdapter, OutboundMessage } from '../types.ts';
import { renderJsonLine, renderNumbered } from './render.ts';

export interface ConsoleAdapterConfig {
  output: Writable;
  json: boolean;
  /** Interactive mode prefixes bot lines so they stand apart from what the citizen typed. */
  interactive: boolean;
}

/** The citizen's chat in a terminal: the embedded default channel and the scripting surface. */
export class ConsoleAdapter implements ChannelAdapter {
  readonly name = 'console';

  constructor(private readonly config: ConsoleAdapterConfig) {}

  async send(_conversationId: string, message: OutboundMessage): Promise<void> {
    const { output, json, interactive } = this.config;
    const body = json ? renderJsonLine(message) : renderNumbered(message);
    const line = interactive && !json ? `\n${body.split('\n').map((l) => `  │ ${l}`).join('\n')}\n` : body;
    await new Promise<void>((resolve, reject) => output.write(`${line}\n`, (err) => (err ? reject(err) : resolve())));
  }
}
