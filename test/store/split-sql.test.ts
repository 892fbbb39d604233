import assert from 'node:assert/strict'
import { test } from 'node:test'
import { splitSqlStatements } from '../../src/store/split-sql.js'

test('statements split at top-level semicolons only', () => {
  const script = `
    -- a comment; with a semicolon
    CREATE TABLE a (x text DEFAULT 'a;b');
    /* block; comment */
    CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
    INSERT INTO "we;ird" VALUES ('it''s; fine')
  `
  const parts = splitSqlStatements(script)
  assert.equal(parts.length, 3)
  assert.match(parts[0]!, /DEFAULT 'a;b'\)$/)
  assert.match(parts[1]!, /\$body\$ SELECT 1; \$body\$ LANGUAGE sql$/)
  assert.match(parts[2]!, /'it''s; fine'\)$/)
})

test('a script of comments only has no statements', () => {
  assert.deepEqual(splitSqlStatements('-- nothing\n/* here */;\n'), [])
})
