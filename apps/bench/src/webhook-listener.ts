import { createServer } from 'node:net';

/** The verification token of the bench's subscriptions (the emulator signs with it, the connector checks). */
export const BENCH_VERIFICATION_TOKEN = 'secret_benchWebhookSubscriptionVerificationToken0';

/** A port free on 127.0.0.1 now (for the connector's webhook listener). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
