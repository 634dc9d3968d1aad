export * from './placeholders';
export * from './templates';
export * from './derive';
export * from './render';
export * from './subject';
export * from './forward';
export * from './colleague';
export * from './delivery';
