import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE orders (id serial PRIMARY KEY, amount int);
CREATE SEQUENCE invoice_no;
`;
const none = { migrationTransaction: 'none' as const };

new RuleTester().run(rule, {
  valid: [
    {
      // The INSERTs that call nextval() already wait for the ACCESS EXCLUSIVE lock on orders.
      code: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE orders_id_seq AS bigint;\nUPDATE orders SET amount = 0 WHERE id = 1;',
      schema,
      name: "the sequence's table is already write-locked by the transaction",
    },
    {
      code: 'ALTER TABLE orders RENAME TO purchases;\nALTER SEQUENCE orders_id_seq RENAME TO purchases_id_seq;\nCREATE INDEX purchases_amount ON purchases (amount);',
      schema,
      name: 'the table was renamed earlier in the transaction',
    },
    // On its own, or last in its transaction: the lock is released at once.
    { code: 'ALTER SEQUENCE invoice_no RESTART WITH 1000;', schema },
    { code: 'ALTER TABLE orders ADD COLUMN note text;\nALTER SEQUENCE invoice_no RESTART WITH 1000;', schema },
    { code: "ALTER SEQUENCE invoice_no RESTART WITH 1000;\nSET lock_timeout = '2s';", schema },
    { code: 'BEGIN;\nALTER SEQUENCE invoice_no RESTART WITH 1000;\nCOMMIT;\nALTER TABLE orders ADD COLUMN note text;', schema },
    { code: 'ALTER SEQUENCE invoice_no RESTART WITH 1000;\nALTER TABLE orders ADD COLUMN note text;', schema, settings: none },
    // setval() does not lock the sequence against nextval().
    { code: "SELECT setval('invoice_no', 1000);\nALTER TABLE orders ADD COLUMN note text;", schema },
    // Before PostgreSQL 10, ALTER SEQUENCE was not transactional and did not block nextval().
    { code: 'ALTER SEQUENCE invoice_no RESTART WITH 1000;\nALTER TABLE orders ADD COLUMN note text;', schema, settings: { postgresVersion: 9.6 } },
    // A sequence created in this file has no users yet.
    { code: 'CREATE SEQUENCE s2;\nALTER SEQUENCE s2 OWNED BY orders.id;\nALTER TABLE orders ADD COLUMN note text;', schema },
    { code: 'ALTER SEQUENCE invoice_no RESTART WITH 1000;\nALTER TABLE orders ADD COLUMN note text;', schema, migration: false },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER SEQUENCE invoice_no RESTART WITH 1;\nALTER TABLE orders DROP COLUMN amount;', schema, name: 'a goose Down section' },
  ],
  invalid: [
    {
      code: 'ALTER SEQUENCE orders_id_seq RESTART WITH 1000;\nALTER TABLE orders ADD COLUMN note text;',
      schema,
      errors: [
        {
          message: 'ALTER SEQUENCE blocks nextval() on `orders_id_seq` until commit, while line 2 still runs; run it last or in its own transaction',
          detail:
            '`ALTER SEQUENCE orders_id_seq RESTART WITH 1000` takes a SHARE ROW EXCLUSIVE lock on `orders_id_seq`, which makes every nextval() on it wait: every INSERT that takes its value from the sequence (a serial or identity default) waits until this transaction commits, its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it, and the statement at line 2 still runs after it. Run the ALTER SEQUENCE in a transaction of its own, or make it the last statement before COMMIT.',
          line: 1,
          column: 1,
        },
      ],
    },
    {
      code: 'BEGIN;\nALTER SEQUENCE invoice_no OWNED BY orders.id;\nUPDATE orders SET amount = 0;\nCREATE INDEX orders_amount ON orders (amount);\nCOMMIT;',
      schema,
      errors: [{ message: /^ALTER SEQUENCE blocks nextval\(\) on `invoice_no` until commit, while lines 3-4 still run;/, detail: /it is inside BEGIN \.\.\. COMMIT, and lines 3-4 still run after it, including `UPDATE orders SET amount = 0`, which updates every row of `orders`\./, line: 2 }],
    },
    // RENAME / OWNER TO reach the lock model as ALTER TABLE on the sequence: ACCESS EXCLUSIVE.
    { code: 'ALTER SEQUENCE invoice_no RENAME TO invoice_number;\nALTER TABLE orders ADD COLUMN note text;', schema, errors: [{ detail: /takes an ACCESS EXCLUSIVE lock on `invoice_no`/ }] },
    { code: '-- +goose Up\nALTER SEQUENCE invoice_no INCREMENT BY 10;\nINSERT INTO orders (amount) VALUES (1);', schema, errors: [{ detail: /goose runs this file inside a transaction/ }] },
    { code: 'BEGIN;\nALTER SEQUENCE invoice_no RESTART WITH 1000;\nSELECT 1; SELECT 2;\nCOMMIT;', schema, errors: [{ message: /while 2 statements on line 3 still run;/ }] },
    // A rollback is checked only with `rollbacks: 'all'`: the statement does not fail.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER SEQUENCE invoice_no RESTART WITH 1;\nALTER TABLE orders DROP COLUMN amount;', schema, settings: { rollbacks: 'all' }, errors: [{ line: 4 }] },
  ],
});
