import type { Principal } from '../auth';

/**
 * What a handler reads from its input when the route's declaration already guarantees it:
 * express fills every parameter of the route's path, and the gate lets no one without a
 * principal into a route that is not public. A miss here is a route written wrong (a name
 * its path does not declare, a public route reading a caller), never a client's mistake,
 * so it is a plain error (500), not an API error.
 */

/** The path parameter `name` of a route whose path declares `{name}`. */
export function pathParam(params: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`The route's path declares no parameter {${name}}`);
  return value;
}

/** The caller of a route that is not public (access 'signed in' or a list of roles). */
export function signedIn(principal: Principal | null): Principal {
  if (!principal) throw new Error('A public route has no caller: declare its access as signed in or by role');
  return principal;
}
