import { describe, expect, it } from '@jest/globals';
import { FilterPatternError, compileEventPattern, matchesAnyFilter, matchesFilter, parseFilterPattern } from '../../protocol/event-pattern.js';

const record = {
  eventName: 'MODIFY',
  awsRegion: 'us-east-1',
  dynamodb: {
    SizeBytes: 120,
    NewImage: { Status: { S: 'RESPONDED' }, ResponseCode: { N: '200' }, Tags: { L: [{ S: 'a' }, { S: 'b' }] } },
  },
  tags: ['blue', 'green'],
};

describe('matchesFilter', () => {
  it('matches exact strings and is type-aware: the string "200" is not the number 200', () => {
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: { N: ['200'] } } } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: { N: [200] } } } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { SizeBytes: [120] } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { SizeBytes: ['120'] } }, record)).toBe(false);
  });

  it('ORs the values of one rule list and ANDs the keys of one pattern', () => {
    expect(matchesFilter({ eventName: ['INSERT', 'MODIFY'] }, record)).toBe(true);
    expect(matchesFilter({ eventName: ['MODIFY'], awsRegion: ['eu-west-1'] }, record)).toBe(false);
    expect(matchesFilter({ eventName: ['MODIFY'], awsRegion: ['us-east-1'] }, record)).toBe(true);
  });

  it('ORs across patterns', () => {
    expect(matchesAnyFilter([{ eventName: ['INSERT'] }, { awsRegion: ['us-east-1'] }], record)).toBe(true);
    expect(matchesAnyFilter([{ eventName: ['INSERT'] }, { awsRegion: ['eu-west-1'] }], record)).toBe(false);
    expect(matchesAnyFilter([], record)).toBe(false);
  });

  it('applies exists to leaves only, so an intermediate node neither exists nor is absent for it', () => {
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: { N: [{ exists: true }] } } } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: [{ exists: true }] } } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: [{ exists: false }] } } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { NewImage: { Error: { S: [{ exists: false }] } } } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { NewImage: { Error: { S: [{ exists: true }] } } } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { OldImage: { Status: { S: [{ exists: false }] } } } }, record)).toBe(true);
  });

  it('requires the field for anything-but, with one value or a list', () => {
    expect(matchesFilter({ dynamodb: { NewImage: { Status: { S: [{ 'anything-but': ['DELIVERED', 'FAILED'] }] } } } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { NewImage: { Status: { S: [{ 'anything-but': ['RESPONDED'] }] } } } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { NewImage: { Status: { S: [{ 'anything-but': 'RESPONDED' }] } } } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { NewImage: { Missing: { S: [{ 'anything-but': ['x'] }] } } } }, record)).toBe(false);
    expect(matchesFilter({ awsRegion: [{ 'anything-but': { prefix: 'us-' } }] }, record)).toBe(false);
    expect(matchesFilter({ awsRegion: [{ 'anything-but': { prefix: 'eu-' } }] }, record)).toBe(true);
  });

  it('matches prefix, suffix and equals-ignore-case on strings', () => {
    expect(matchesFilter({ awsRegion: [{ prefix: 'us-' }] }, record)).toBe(true);
    expect(matchesFilter({ awsRegion: [{ prefix: 'eu-' }] }, record)).toBe(false);
    expect(matchesFilter({ awsRegion: [{ suffix: '-1' }] }, record)).toBe(true);
    expect(matchesFilter({ eventName: [{ 'equals-ignore-case': 'modify' }] }, record)).toBe(true);
  });

  it('compares numbers with numeric, never DynamoDB N strings', () => {
    expect(matchesFilter({ dynamodb: { SizeBytes: [{ numeric: ['>', 100, '<=', 120] }] } }, record)).toBe(true);
    expect(matchesFilter({ dynamodb: { SizeBytes: [{ numeric: ['<', 100] }] } }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { NewImage: { ResponseCode: { N: [{ numeric: ['>', 0] }] } } } }, record)).toBe(false);
  });

  it('matches a leaf rule when any element of an array matches, through arrays of objects too', () => {
    expect(matchesFilter({ tags: ['green'] }, record)).toBe(true);
    expect(matchesFilter({ tags: ['red'] }, record)).toBe(false);
    expect(matchesFilter({ dynamodb: { NewImage: { Tags: { L: { S: ['b'] } } } } }, record)).toBe(true);
  });

  it('takes the JSON string form of FilterCriteria', () => {
    expect(matchesFilter('{"eventName":["MODIFY"]}', record)).toBe(true);
  });

  it('refuses patterns Lambda would refuse, saying what to change', () => {
    expect(() => matchesFilter({ eventName: 'MODIFY' }, record)).toThrow(FilterPatternError);
    expect(() => matchesFilter({ eventName: [] }, record)).toThrow(/empty rule list/);
    expect(() => matchesFilter({ eventName: [{ cidr: '10.0.0.0/24' }] }, record)).toThrow(/not supported/);
    expect(() => compileEventPattern({ a: ['x'], b: { c: [{ prefix: 1 }] } })).toThrow(/"prefix" at "b.c" takes a string/);
    expect(() => compileEventPattern({ $or: [{ a: ['x'] }] })).toThrow(/\$or/);
    expect(() => matchesFilter({ eventName: [{ numeric: ['>'] }] }, record)).toThrow(/numeric/);
    expect(() => matchesFilter({ eventName: [{ exists: 'yes' }] }, record)).toThrow(/true or false/);
    expect(() => parseFilterPattern('["MODIFY"]')).toThrow(/JSON object/);
    expect(() => parseFilterPattern('{')).toThrow(/not JSON/);
  });

  it('speaks the rest of EventBridge: $or, wildcard, ignore-case prefix and suffix, anything-but variants', () => {
    expect(matchesFilter({ $or: [{ eventName: ['INSERT'] }, { awsRegion: ['us-east-1'] }] }, record)).toBe(true);
    expect(matchesFilter({ $or: [{ eventName: ['INSERT'] }, { awsRegion: ['eu-west-1'] }] }, record)).toBe(false);
    expect(matchesFilter({ awsRegion: [{ wildcard: 'us-*-1' }] }, record)).toBe(true);
    expect(matchesFilter({ awsRegion: [{ wildcard: 'us.*' }] }, record)).toBe(false);
    expect(matchesFilter({ awsRegion: [{ prefix: { 'equals-ignore-case': 'US-' } }] }, record)).toBe(true);
    expect(matchesFilter({ awsRegion: [{ suffix: { 'equals-ignore-case': 'EAST-1' } }] }, record)).toBe(true);
    expect(matchesFilter({ eventName: [{ 'anything-but': { 'equals-ignore-case': ['modify', 'insert'] } }] }, record)).toBe(false);
    expect(matchesFilter({ eventName: [{ 'anything-but': { wildcard: 'IN*' } }] }, record)).toBe(true);
    expect(matchesFilter({ awsRegion: [{ 'anything-but': { suffix: '-2' } }] }, record)).toBe(true);
  });
});
