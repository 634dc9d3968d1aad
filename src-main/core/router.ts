/**
 * The router: one entry point for every API call, whatever the transport. It checks
 * the call exists, validates the input against the contract, resolves the session to
 * an actor, runs the handler and shapes every failure as { ok: false, error }.
 */
import type { ApiResult, CallName } from '../../src-shared/api';
import { contract } from '../../src-shared/api';
import { DomainError } from '../../src-shared/domain';
import { actorOf, type AuthService } from './auth-service';
import type { CallContext, CoreServices, HostCallOptions } from './context';
import type { Handlers } from './handler-types';
import { zodFields, zodMessage } from './zod-errors';

export interface RouterOptions {
  validateOutput?: boolean;
  onError?: (name: string, err: unknown) => void;
}

export function createRouter(
  services: CoreServices,
  auth: AuthService,
  handlers: Handlers,
  opts: RouterOptions = {},
) {
  return async function call(
    name: string,
    input: unknown,
    session: string | null,
    host?: HostCallOptions,
  ): Promise<ApiResult<unknown>> {
    if (!Object.hasOwn(contract, name)) {
      return {
        ok: false,
        error: { code: 'not_found', message: `Operazione sconosciuta: ${String(name).slice(0, 80)}` },
      };
    }
    const def = contract[name as CallName];
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'validation', message: zodMessage(parsed.error), fields: zodFields(parsed.error) },
      };
    }
    try {
      const user = auth.resolve(session);
      if (!def.public && !user) {
        return {
          ok: false,
          error: { code: 'unauthenticated', message: 'Sessione scaduta: accedi di nuovo.' },
        };
      }
      const ctx: CallContext = {
        ...services,
        user,
        actor: user ? actorOf(services.db, user) : null,
        sessionToken: session,
        host,
      };
      const handler = handlers[name as CallName] as (c: CallContext, i: unknown) => unknown;
      const value = await handler(ctx, parsed.data);
      if (opts.validateOutput) {
        const out = def.output.safeParse(value);
        if (!out.success) {
          throw new Error(
            `Output of ${name} does not match the contract: ${JSON.stringify(out.error.issues.slice(0, 3))}`,
          );
        }
      }
      return { ok: true, value };
    } catch (err) {
      if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
      opts.onError?.(name, err);
      return {
        ok: false,
        error: {
          code: 'internal',
          message: 'Errore interno: l’operazione non è stata eseguita. I dati già salvati sono intatti.',
        },
      };
    }
  };
}
