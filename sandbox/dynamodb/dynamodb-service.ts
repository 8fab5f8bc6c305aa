import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { HttpService, closeSignal, readBody, send } from '../common/http-service.js';
import { requestId } from '../common/ids.js';
import type { RequestHook } from '../common/request-hook.js';
import { accessKeyOf } from '../common/sigv4.js';
import type { DynamoDbThrottleKind, SandboxConditions } from '../latency.js';
import { resolveServiceOptions, type ServiceOptions } from '../common/service-options.js';
import { DynaliteClient, type RawResponse } from './dynalite-client.js';
import { ItemImages } from './item-images.js';
import { oldImageRequest, takeOldImage } from './old-image.js';
import { KeyLocks } from './key-locks.js';
import { StreamLog } from './stream-log.js';
import { changeRecord, keyOf, type StreamViewType, type WireItem } from './stream-record.js';

/** `conditions.throttleDynamoDb` throttles this service. */
export type DynamoDbServiceOptions = ServiceOptions;

interface TableStream {
  viewType: StreamViewType;
  arn: string;
  label: string;
}

/** One item a write touches. */
interface Target {
  table: string;
  key: WireItem;
}

type Input = Record<string, unknown>;

/** Operations the throttle switch applies to (the item operations, not table management). */
const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);

/** Operations that change no item (the front's known item images stay true). */
const READ_ONLY_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'TransactGetItems', 'Query', 'Scan', 'DescribeTable', 'ListTables', 'DescribeTimeToLive', 'ListTagsOfResource', 'DescribeLimits', 'DescribeEndpoints']);
/** The writes the front captures for the stream (and whose after images it keeps). */
const CAPTURED_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** Headers of dynalite's response that describe its connection, not the answer. */
const HOP_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding']);

const THROTTLE_ERRORS: Record<DynamoDbThrottleKind, { __type: string; message: string }> = {
  ProvisionedThroughputExceededException: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  ThrottlingException: { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
};

/**
 * DynamoDB: dynalite (in-process) does the table semantics; this front forwards every request to
 * it and captures each successful write as a DynamoDB Streams record. Writes to the same key are
 * serialized here, and each record's images are exactly that write's before and after: the item is
 * read (consistently) after the write, still under the key's lock, and that image is the next
 * write's before image. When the front does not know it yet, a PutItem or DeleteItem hands it back
 * itself (ALL_OLD); other writes read the item first.
 */
export class DynamoDbService {
  readonly conditions: SandboxConditions;
  private readonly http: HttpService;
  private readonly backend: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  private dynalite: DynaliteClient | undefined;
  private readonly locks = new KeyLocks();
  private readonly images = new ItemImages();
  private readonly captures = new Set<Promise<void>>();
  private captureFailure: Error | undefined;
  private readonly streams = new Map<string, TableStream>();
  private readonly logs = new Map<string, StreamLog>();
  private readonly keySchemas = new Map<string, string[]>();
  private readonly accountId: string;
  private readonly region: string;
  private sequence = 10n ** 20n;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly onRequest: RequestHook | undefined;

  constructor(options: DynamoDbServiceOptions = {}) {
    this.onRequest = options.onRequest;
    ({ conditions: this.conditions, accountId: this.accountId, region: this.region } = resolveServiceOptions(options));
    this.http = new HttpService((req, res) => this.track(this.handle(req, res)), options.port);
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.backend.once('error', reject);
      this.backend.listen(0, '127.0.0.1', () => resolve());
    });
    this.dynalite = new DynaliteClient(`http://127.0.0.1:${(this.backend.address() as AddressInfo).port}`);
    await this.http.start();
  }

  async stop(): Promise<void> {
    await this.http.stop();
    // Requests already forwarded must finish before dynalite's database closes under them.
    await Promise.allSettled([...this.inFlight]);
    this.dynalite?.close();
    if (this.backend.listening) await new Promise<void>((resolve, reject) => this.backend.close((e) => (e ? reject(e) : resolve())));
  }

  private track(handling: Promise<void>): Promise<void> {
    this.inFlight.add(handling);
    const done = () => this.inFlight.delete(handling);
    handling.then(done, done);
    return handling;
  }

  /** The table's stream (created on first use, kept across re-creation of the table). */
  stream(tableName: string): StreamLog {
    let log = this.logs.get(tableName);
    if (!log) {
      log = new StreamLog();
      this.logs.set(tableName, log);
    }
    return log;
  }

  /** Resolves once every write answered so far has its stream record (recorded just after the write answers). */
  async captured(): Promise<void> {
    await Promise.allSettled([...this.captures]);
    if (this.captureFailure) throw this.captureFailure;
  }

  /** The table's current stream ARN, when its stream is enabled. */
  streamArn(tableName: string): string | undefined {
    return this.streams.get(tableName)?.arn;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    this.onRequest?.({ service: 'DynamoDB', operation, accessKeyId: accessKeyOf(req) });
    await this.conditions.delayCall(closeSignal(res));
    const throttled = ITEM_OPERATIONS.has(operation) ? this.conditions.takeDynamoDbThrottle() : undefined;
    if (throttled) {
      send(res, 400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId() }, JSON.stringify(THROTTLE_ERRORS[throttled]));
      return;
    }
    const input = parseJson(raw);
    // Anything else may change items behind the front's back (transactions, PartiQL, table changes).
    const uncaptured = !READ_ONLY_OPERATIONS.has(operation) && !CAPTURED_WRITES.has(operation);
    if (uncaptured) this.images.clear();
    const forward = (body: Buffer = raw): Promise<RawResponse> => this.client().forward(req.headers, body);
    let response = input ? await this.capture(operation, input, forward) : await forward();
    if (uncaptured) this.images.clear();
    if (input && response.status === 200) response = this.trackTables(operation, input, response);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers[name] = value;
    }
    send(res, response.status, headers, response.body);
  }

  /**
   * Runs a write under its keys' locks and records the change. The caller gets the write's answer
   * as soon as dynalite gives it, as DynamoDB answers before its stream captures the change: the
   * after image is read once the answer is out, and the keys stay locked until it is recorded.
   */
  private async capture(operation: string, input: Input, forward: (body?: Buffer) => Promise<RawResponse>): Promise<RawResponse> {
    const targets = await this.writeTargets(operation, input);
    if (targets.length === 0) return forward();
    const keys = targets.map((t) => `${t.table}\u0000${JSON.stringify(t.key)}`);
    return new Promise<RawResponse>((answer, fail) => {
      let answered = false;
      const recording = this.locks.run(keys, async () => {
        const known = this.images.all(keys);
        const asking = known ? undefined : oldImageRequest(operation, input);
        // A key dynalite cannot read (wrong type, ...) makes the write fail too: let dynalite say why.
        let before = known ?? (asking ? undefined : await this.readItems(targets));
        let response = await forward(asking?.body).catch((err: unknown) => {
          this.images.forget(keys);
          throw err;
        });
        if (asking && response.status === 200) {
          const taken = takeOldImage(asking, response);
          response = taken.response;
          before = [taken.image];
        }
        answered = true;
        answer(response);
        if (!before || response.status >= 500) return this.images.forget(keys);
        // A refused write (condition, validation) changed nothing: the before images still hold.
        if (response.status !== 200) return keys.forEach((key, i) => this.images.set(key, before[i]));
        const after = await this.readItems(targets);
        if (!after) {
          this.images.forget(keys);
          throw new Error(`sandbox DynamoDB could not read back ${JSON.stringify(targets)} after a successful write`);
        }
        targets.forEach((target, i) => {
          this.images.set(keys[i] as string, after[i]);
          this.record(target, before[i], after[i]);
        });
      });
      const settled = recording.catch((err: unknown) => {
        // Before the answer the caller gets the error; after it, only captured() can tell.
        if (answered) this.captureFailure ??= err as Error;
        else fail(err);
      });
      this.captures.add(settled);
      void settled.finally(() => this.captures.delete(settled));
      this.track(settled);
    });
  }

  /** The items a write touches, in tables whose stream is on. */
  private async writeTargets(operation: string, input: Input): Promise<Target[]> {
    const single = (table: unknown, item: unknown): { table: string; item: WireItem }[] =>
      typeof table === 'string' && typeof item === 'object' && item !== null ? [{ table, item: item as WireItem }] : [];
    let touched: { table: string; item: WireItem }[] = [];
    if (operation === 'PutItem') touched = single(input.TableName, input.Item);
    else if (operation === 'UpdateItem' || operation === 'DeleteItem') touched = single(input.TableName, input.Key);
    else if (operation === 'BatchWriteItem' && typeof input.RequestItems === 'object' && input.RequestItems !== null) {
      for (const [table, requests] of Object.entries(input.RequestItems as Record<string, unknown>)) {
        if (!Array.isArray(requests)) continue;
        for (const r of requests as { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }[]) {
          touched.push(...single(table, r.PutRequest?.Item ?? r.DeleteRequest?.Key));
        }
      }
    }
    const targets: Target[] = [];
    for (const { table, item } of touched) {
      if (!this.streams.has(table)) continue;
      const key = keyOf(item, await this.keyNames(table));
      if (key) targets.push({ table, key });
    }
    return targets;
  }

  /** Each target's item (consistent read), or undefined when dynalite refuses one of the reads. */
  private async readItems(targets: Target[]): Promise<(WireItem | undefined)[] | undefined> {
    const reads = await Promise.all(targets.map((t) => this.client().call('GetItem', { TableName: t.table, Key: t.key, ConsistentRead: true })));
    if (reads.some((r) => r.status !== 200)) return undefined;
    return reads.map((r) => r.output.Item as WireItem | undefined);
  }

  private record(target: Target, before: WireItem | undefined, after: WireItem | undefined): void {
    const stream = this.streams.get(target.table);
    if (!stream) return;
    const record = changeRecord(target.key, before, after, {
      region: this.region,
      streamArn: stream.arn,
      viewType: stream.viewType,
      sequenceNumber: String(this.sequence),
    });
    if (!record) return;
    this.sequence += 1n;
    this.stream(target.table).append(record);
  }

  private async keyNames(table: string): Promise<string[]> {
    const cached = this.keySchemas.get(table);
    if (cached) return cached;
    const { status, output } = await this.client().call('DescribeTable', { TableName: table });
    const schema = (output.Table as { KeySchema?: { AttributeName: string }[] } | undefined)?.KeySchema;
    if (status !== 200 || !schema) return [];
    const names = schema.map((k) => k.AttributeName);
    this.keySchemas.set(table, names);
    return names;
  }

  /**
   * Keeps the stream settings dynalite does not store, and adds them to table descriptions
   * (StreamSpecification, LatestStreamArn, LatestStreamLabel) as DynamoDB returns them.
   */
  private trackTables(operation: string, input: Input, response: RawResponse): RawResponse {
    const table = typeof input.TableName === 'string' ? input.TableName : undefined;
    if (!table) return response;
    if (operation === 'DeleteTable') {
      this.streams.delete(table);
      this.keySchemas.delete(table);
      return response;
    }
    const spec = input.StreamSpecification as { StreamEnabled?: boolean; StreamViewType?: StreamViewType } | undefined;
    if ((operation === 'CreateTable' || operation === 'UpdateTable') && spec) {
      if (spec.StreamEnabled && spec.StreamViewType) {
        const label = new Date().toISOString().replace('Z', '');
        this.streams.set(table, { viewType: spec.StreamViewType, label, arn: `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${table}/stream/${label}` });
      } else {
        this.streams.delete(table);
      }
    }
    const stream = this.streams.get(table);
    const field = operation === 'DescribeTable' ? 'Table' : operation === 'CreateTable' || operation === 'UpdateTable' ? 'TableDescription' : undefined;
    if (!stream || !field) return response;
    const output = JSON.parse(response.body.toString('utf8')) as Record<string, Record<string, unknown>>;
    const description = output[field];
    if (!description) return response;
    description.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.viewType };
    description.LatestStreamArn = stream.arn;
    description.LatestStreamLabel = stream.label;
    // The body changed, so dynalite's checksum no longer applies.
    const { 'x-amz-crc32': _crc, ...headers } = response.headers;
    return { status: response.status, headers, body: Buffer.from(JSON.stringify(output), 'utf8') };
  }

  private client(): DynaliteClient {
    if (!this.dynalite) throw new Error('the DynamoDB service is not started: call start() first');
    return this.dynalite;
  }
}

function parseJson(raw: Buffer): Input | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Input) : undefined;
  } catch {
    return undefined;
  }
}
