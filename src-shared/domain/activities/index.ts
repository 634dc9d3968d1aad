export * from './activity';
export * from './recurrence';
export * from './occurrences';
export * from './rome-time';
