import { parseRoute, routeHref, type Route } from '../route';

class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  go(r: Route): void {
    const href = routeHref(r);
    if (location.hash === href) this.route = parseRoute(href);
    else location.hash = href;
  }
}

export const router = new Router();
export const go = (r: Route) => router.go(r);
