import { ConfigError } from '../../core/errors';
import type { AccessTokenProvider } from './token-provider';

/**
 * One fixed token for every mailbox: for the local stand-in and the demo, where no Google
 * identity exists. Never used against Google itself.
 */
export class StaticTokenProvider implements AccessTokenProvider {
  constructor(private readonly token: string) {
    if (token === '') throw new ConfigError('StaticTokenProvider needs a non-empty token');
  }

  async getToken(_mailbox: string): Promise<string> {
    return this.token;
  }
}
