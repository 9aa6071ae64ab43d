/** The public entry point of p2p-clinic's client core: elements, the app and other people's code import from here. */
export type * from './records.ts';
export { ValidationError } from './validation-error.ts';
