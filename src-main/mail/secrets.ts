/**
 * Secrets of the mail intake: mailbox passwords at rest and the key that signs
 * Sportello's Message-IDs. Plain Node keeps an AES-256-GCM key in the data folder
 * (`secrets.key`, mode 0600); the Electron shell can plug in `safeStorage` through the
 * PasswordCipher interface without this module importing electron.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRETS_FILE = 'secrets.key';

/** Encrypts short secrets (passwords) for storage; `safeStorage` fits this shape. */
export interface PasswordCipher {
  /** Tag of the scheme, stored with the ciphertext so another cipher can refuse it clearly. */
  readonly scheme: string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** The 32-byte master key, created on first use with owner-only permissions. */
export function loadMasterKey(dataDir: string): Buffer {
  const file = join(dataDir, SECRETS_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process created it at the same moment: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`Il file ${SECRETS_FILE} è danneggiato.`);
  return key;
}

/** A key for one purpose, derived from the master key (never the master key itself). */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return createHmac('sha256', master).update(`sportello:${purpose}`).digest();
}

export function createKeyFileCipher(dataDir: string): PasswordCipher {
  return aesGcmCipher(deriveKey(loadMasterKey(dataDir), 'mailbox-passwords'));
}

/** AES-256-GCM with a given 32-byte key; sealed format `v1.iv.tag.body` (base64 parts). */
export function aesGcmCipher(key: Buffer): PasswordCipher {
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

/** Key that signs the tokens of Sportello's Message-IDs. */
export function threadingKey(dataDir: string): Buffer {
  return deriveKey(loadMasterKey(dataDir), 'message-id');
}
