/** Italian labels of the domain's enumerations: one source for the UI, exports and emails. */
import type { Channel, Priority } from './types';

export const CHANNEL_LABELS: Record<Channel, string> = {
  sportello: 'Sportello',
  telefono: 'Telefono',
  email: 'Email',
  pec: 'PEC',
  web: 'Web',
  app: 'App',
  interno: 'Interno',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  bassa: 'Bassa',
  normale: 'Normale',
  alta: 'Alta',
  urgente: 'Urgente',
};
