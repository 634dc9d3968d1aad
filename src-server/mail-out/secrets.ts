/**
 * The server's secrets: the key that seals the SMTP password and the key that signs the
 * Message-IDs of the emails it sends. Derived from a master key that is NOT in the
 * database (a copied database must not hand out the SMTP password): SPORTELLO_SECRET_KEY
 * (32 bytes, base64) or the `secrets.key` file of the server's data folder. Several
 * server processes on one PostgreSQL must be given the same key.
 */
import { aesGcmCipher, createKeyFileCipher, deriveKey, threadingKey } from '../../src-main/mail/secrets';
import type { PasswordCipher } from '../../src-main/mail/secrets';

export interface ServerSecrets {
  cipher: PasswordCipher;
  threadKey: Buffer;
}

export function serverSecrets(opts: { secretKey?: string; secretsDir: string }): ServerSecrets {
  const fromEnv = opts.secretKey ?? process.env.SPORTELLO_SECRET_KEY;
  if (!fromEnv) {
    return { cipher: createKeyFileCipher(opts.secretsDir), threadKey: threadingKey(opts.secretsDir) };
  }
  const master = Buffer.from(fromEnv, 'base64');
  if (master.length !== 32) throw new Error('SPORTELLO_SECRET_KEY deve essere di 32 byte in base64.');
  return {
    cipher: aesGcmCipher(deriveKey(master, 'mailbox-passwords')),
    threadKey: deriveKey(master, 'message-id'),
  };
}
