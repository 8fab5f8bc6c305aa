import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './sandbox-support.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('what the CLI imports', () => {
  it('takes nothing from infra/: the answer write it shares with the $default route lives in protocol/', () => {
    const importsOfInfra = sources(join(ROOT, 'cli', 'src')).filter((file) => /from '(\.\.\/)+infra\//.test(readFileSync(file, 'utf8')));
    expect(importsOfInfra).toEqual([]);
    const shared = [join(ROOT, 'cli', 'src', 'commands', 'debug.ts'), join(ROOT, 'infra', 'websocket', 'dynamodb-answer-store.ts')];
    for (const file of shared) expect(readFileSync(file, 'utf8')).toMatch(/import \{ DynamoDbAnswerWriter \} from '(\.\.\/)+protocol\/answer-write\.js'/);
  });
});
