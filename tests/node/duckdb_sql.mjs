// Runs a `rootguard rules sql --dialect duckdb` query with DuckDB over CloudTrail files loaded
// into a table with the schema AWS documents for Athena (cloudtrail_logs: struct columns for
// userIdentity, resources and tlsDetails; requestParameters, responseElements,
// additionalEventData and serviceEventDetails as JSON text), as a user would after creating
// that table. Prints one JSON line per result row: {"rule":..., "event":...}.
//
// usage: node duckdb_sql.mjs QUERY.sql FILE_OR_DIR...
// Reads S3 delivery files, JSON arrays, JSON lines, EventBridge envelopes and lookup-events
// output, gzip or not; skips digest files and records without userIdentity.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

const [queryFile, ...inputs] = process.argv.slice(2);
if (!queryFile || inputs.length === 0) {
  console.error('usage: node duckdb_sql.mjs QUERY.sql FILE_OR_DIR...');
  process.exit(2);
}

// The Athena DDL's columns (lower-case, as Athena names them).
const S = (fields) => ({ struct: fields });
const schema = {
  eventversion: 's',
  useridentity: S({
    type: 's', principalid: 's', arn: 's', accountid: 's', invokedby: 's', accesskeyid: 's', username: 's',
    sessioncontext: S({
      attributes: S({ mfaauthenticated: 's', creationdate: 's' }),
      sessionissuer: S({ type: 's', principalid: 's', arn: 's', accountid: 's', username: 's' }),
      ec2roledelivery: 's',
    }),
  }),
  eventtime: 's', eventsource: 's', eventname: 's', awsregion: 's', sourceipaddress: 's', useragent: 's',
  errorcode: 's', errormessage: 's', requestparameters: 'json', responseelements: 'json',
  additionaleventdata: 'json', requestid: 's', eventid: 's',
  resources: { list: S({ arn: 's', accountid: 's', type: 's' }) },
  eventtype: 's', apiversion: 's', readonly: 's', recipientaccountid: 's', serviceeventdetails: 'json',
  sharedeventid: 's', vpcendpointid: 's',
  tlsdetails: S({ tlsversion: 's', ciphersuite: 's', clientprovidedhostheader: 's' }),
};

function duckType(t) {
  if (t === 's' || t === 'json') return 'VARCHAR';
  if (t.list) return `${duckType(t.list)}[]`;
  return `STRUCT(${Object.entries(t.struct).map(([k, v]) => `${k} ${duckType(v)}`).join(', ')})`;
}

// A JSON value shaped to the schema; keys are matched without regard to case, like Athena's SerDe.
function shape(t, v) {
  if (v === undefined || v === null) return null;
  if (t === 'json') return typeof v === 'string' ? v : JSON.stringify(v);
  if (t === 's') return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (t.list) return Array.isArray(v) ? v.map((x) => shape(t.list, x)) : null;
  if (typeof v !== 'object' || Array.isArray(v)) return null;
  const lower = {};
  for (const [k, x] of Object.entries(v)) lower[k.toLowerCase()] = x;
  const out = {};
  for (const [k, sub] of Object.entries(t.struct)) out[k] = shape(sub, lower[k]);
  return out;
}

function files(p) {
  if (statSync(p).isDirectory()) return readdirSync(p).sort().flatMap((n) => files(join(p, n)));
  return [p];
}

function* events(value) {
  if (Array.isArray(value)) {
    for (const v of value) yield* events(v);
  } else if (value && typeof value === 'object') {
    if (Array.isArray(value.Records)) yield* events(value.Records);
    else if (Array.isArray(value.Events)) {
      for (const e of value.Events) if (typeof e.CloudTrailEvent === 'string') yield JSON.parse(e.CloudTrailEvent);
    } else if (value['detail-type'] && value.detail) yield value.detail;
    else if (value.digestStartTime || value.digestEndTime) return;
    else yield value;
  }
}

const rows = [];
for (const input of inputs) {
  for (const f of files(input)) {
    let buf = readFileSync(f);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const text = buf.toString('utf8');
    let values;
    try {
      values = [JSON.parse(text)];
    } catch {
      values = text.split('\n').filter((l) => l.trim()).flatMap((l) => {
        try { return [JSON.parse(l)]; } catch { return []; }
      });
    }
    for (const v of values)
      for (const e of events(v)) if (e && typeof e === 'object' && e.userIdentity) rows.push(shape(S(schema), e));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rg-duck-'));
try {
  const data = join(dir, 'rows.jsonl');
  writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const columns = Object.entries(schema).map(([k, v]) => `${k}: '${duckType(v)}'`).join(', ');
  await conn.run(`CREATE TABLE cloudtrail_logs AS SELECT * FROM read_json('${data.replace(/'/g, "''")}',
                    format = 'newline_delimited', columns = {${columns}})`);
  const reader = await conn.runAndReadAll(readFileSync(queryFile, 'utf8'));
  for (const r of reader.getRowObjects()) console.log(JSON.stringify({ rule: r.rule_id, event: r.eventid }));
  console.error(`duckdb_sql: ${rows.length} events loaded, ${reader.getRowObjects().length} rows`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
