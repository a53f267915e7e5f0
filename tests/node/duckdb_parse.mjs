// Parses SQL files with DuckDB's parser (json_serialize_sql: parse only, no tables or functions
// needed), so the Athena and Trino queries rootguard writes are checked for syntax.
// usage: node duckdb_parse.mjs FILE.sql...   prints "FILE: ok" or "FILE: error: ..." per file.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
let bad = 0;
for (const f of process.argv.slice(2)) {
  // Trino spells an array type ARRAY(VARCHAR); DuckDB's parser knows it as VARCHAR[]. That is the
  // one spelling the two parsers do not share in rootguard's queries.
  const sql = readFileSync(f, 'utf8').replace(/;\s*$/, '').replaceAll('ARRAY(VARCHAR)', 'VARCHAR[]');
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${"'" + sql.replace(/'/g, "''") + "'"}) AS tree`);
  const tree = JSON.parse(String(reader.getRows()[0][0]));
  if (tree.error) {
    bad++;
    console.log(`${f}: error: ${tree.error_message ?? JSON.stringify(tree)}`);
  } else {
    console.log(`${f}: ok (${tree.statements.length} statement)`);
  }
}
process.exit(bad ? 1 : 0);
