import type { Transport } from './transport';
import { networkError } from './transport';

/** The preload's `window.api`: IPC to the core, nothing else. */
export function electronTransport(bridge: NonNullable<Window['api']>): Transport {
  return {
    async invoke(name, input, session) {
      try {
        return await bridge.invoke(name, input, session);
      } catch {
        return networkError("Errore di comunicazione con l'applicazione. Riprova.");
      }
    },
    on: (event, cb) => bridge.on(event, cb),
  };
}
