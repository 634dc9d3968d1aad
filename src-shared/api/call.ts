import { z } from 'zod';

/** One API call: input and output schemas; `public` calls need no session. */
export const call = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  opts: { public?: boolean } = {},
) => ({
  input,
  output,
  public: opts.public ?? false,
});

export const ok = z.object({ ok: z.literal(true) });
export const idOut = z.object({ id: z.string() });
