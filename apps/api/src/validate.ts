/** zod parsing that turns every failure into a 400 problem listing each bad field. */
import type { z } from 'zod';
import { problems } from './problem.js';

export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }));
  throw problems.badRequest(`${what} is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, { errors });
}
