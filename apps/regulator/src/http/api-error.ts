/**
 * The regulator's HTTP errors are those every app shares (libs/platform); an absent body reads as
 * an empty object, so a 400 names the first missing field.
 */
export { ApiError, parseBody as parseInput } from '@cbdc/platform';
