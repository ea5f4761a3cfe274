// Structured event logging (pino).
export { createEventLogger } from './logger.ts';
export type { EventLogger } from './logger.ts';
