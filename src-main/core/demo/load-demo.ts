import type { CoreServices } from '../context';
import type { AuthService } from '../auth-service';

/** Placeholder replaced by the demo municipality loader. */
export async function loadDemo(_services: CoreServices, _auth: AuthService): Promise<void> {}
