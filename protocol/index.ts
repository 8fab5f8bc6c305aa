export * from './constants.js';
export * from './errors.js';
export * from './queue-name.js';
export * from './answer.js';
export * from './item.js';
export * from './messages.js';
export * from './stream-filter.js';
export * from './item-size.js';
