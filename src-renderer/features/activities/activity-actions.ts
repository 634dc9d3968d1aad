/** The activity calls as the screens use them: an Italian message on failure, null when done. */
import type { CallInput } from '../../../src-shared/api';
import { api } from '../../lib/api/client';

async function run<N extends 'activities.create' | 'activities.update' | 'activities.setStatus'>(
  name: N,
  input: CallInput<N>,
): Promise<string | null> {
  const res = await api.invoke(name, input);
  return res.ok ? null : res.error.message;
}

export const activityActions = {
  create: (i: CallInput<'activities.create'>) => run('activities.create', i),
  update: (i: CallInput<'activities.update'>) => run('activities.update', i),
  setStatus: (i: CallInput<'activities.setStatus'>) => run('activities.setStatus', i),
};
