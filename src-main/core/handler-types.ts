import type { z } from 'zod';
import type { CallName, CallOutput, Contract } from '../../src-shared/api';
import type { AuthedContext, CallContext } from './context';

type Ctx<N extends CallName> = Contract[N]['public'] extends true ? CallContext : AuthedContext;

export type Handler<N extends CallName> = (
  ctx: Ctx<N>,
  input: z.output<Contract[N]['input']>,
) => CallOutput<N> | Promise<CallOutput<N>>;

export type Handlers = { [N in CallName]: Handler<N> };
export type PartialHandlers<K extends CallName> = { [N in K]: Handler<N> };
