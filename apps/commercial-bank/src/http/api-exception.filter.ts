/** The bank's controllers name the filter from here (`@UseFilters`); it is the one every app shares. */
export { ApiExceptionFilter } from '@cbdc/platform';
