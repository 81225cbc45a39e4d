/**
 * Injection tokens of the shared infrastructure. Inject them with `@Inject(PG_POOL)` etc.:
 * explicit tokens work whatever emits (or does not emit) decorator metadata.
 */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const LOGGER = Symbol('LOGGER');
export const PG_POOL = Symbol('PG_POOL');
export const REDIS = Symbol('REDIS');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
