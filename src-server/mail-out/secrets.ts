/**
 * The server's secrets: the key that seals the SMTP password and the key that signs the
 * Message-IDs of the emails it sends. Derived from a master key that is NOT in the
 * database (a copied database must not hand out the SMTP password): SPORTELLO_SECRET_KEY
 * (32 bytes, base64) or the `secrets.key` file of the server's data folder. Several
 * server processes on one PostgreSQL must be given the same key.
 */
import { createKeyFileCipher, deriveKey, threadingKey } from '../../src-main/mail/secrets';
import type { PasswordCipher } from '../../src-main/mail/secrets';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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
    cipher: gcmCipher(deriveKey(master, 'mailbox-passwords')),
    threadKey: deriveKey(master, 'message-id'),
  };
}

/** Same format as createKeyFileCipher (v1.iv.tag.body). */
function gcmCipher(key: Buffer): PasswordCipher {
  return {
    scheme: 'aes256gcm',
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join(
        '.',
      );
    },
    decrypt(sealed) {
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || body === undefined)
        throw new Error('Password cifrata in un formato sconosciuto.');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
    },
  };
}
