import { z } from 'zod';

/**
 * Office add-ins run without eval (the server's CSP has no 'unsafe-eval'). zod compiles its
 * object parsers with `new Function` after probing for it, and the probe alone is a CSP
 * violation, even when caught. Imported first by main.ts, before any schema is built or used.
 */
z.config({ jitless: true });
