export * as F from './functional';
export * as functional from './functional';
