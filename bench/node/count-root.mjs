// Counts CloudTrail records whose userIdentity.type is "Root" with DuckDB's read_json, the way a
// user would: one query over the S3 delivery files, reading only the one field it needs.
// usage: node count-root.mjs THREADS DIR   (prints the count on stdout)
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, dir] = process.argv.slice(2);
if (!/^[0-9]+$/.test(threads ?? '') || !dir) {
  console.error('usage: node count-root.mjs THREADS DIR');
  process.exit(2);
}
const glob = `${dir.replace(/'/g, "''")}/**/*.json.gz`;
const instance = await DuckDBInstance.create(':memory:', { threads });
const conn = await instance.connect();
// An explicit structure, so DuckDB neither samples the files nor builds columns it does not need.
// One delivery file is one JSON object (up to tens of MB): raise maximum_object_size.
const sql = `
  SELECT count(*) AS n
  FROM (
    SELECT unnest(Records) AS r
    FROM read_json('${glob}',
                   format = 'auto',
                   compression = 'gzip',
                   maximum_object_size = 1073741824,
                   columns = {Records: 'STRUCT(userIdentity STRUCT(type VARCHAR))[]'})
  )
  WHERE r.userIdentity.type = 'Root'`;
const reader = await conn.runAndReadAll(sql);
console.log(String(reader.getRows()[0][0]));
