import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);
CREATE MATERIALIZED VIEW totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX totals_user ON totals (user_id);
CREATE MATERIALIZED VIEW daily AS SELECT id, amount FROM orders;
CREATE UNIQUE INDEX daily_expr ON daily ((id + 0));
CREATE UNIQUE INDEX daily_partial ON daily (id) WHERE amount > 0;
`;

new RuleTester().run(rule, {
  valid: [
    'REFRESH MATERIALIZED VIEW CONCURRENTLY totals;',
    { code: 'REFRESH MATERIALIZED VIEW CONCURRENTLY totals;', schema },
    // WITH NO DATA empties the view without running its query.
    { code: 'REFRESH MATERIALIZED VIEW totals WITH NO DATA;', schema },
    // A view created in this file has no readers yet (its first REFRESH populates it).
    { code: 'CREATE MATERIALIZED VIEW fresh AS SELECT id FROM orders WITH NO DATA;\nREFRESH MATERIALIZED VIEW fresh;', schema },
    { code: 'REFRESH MATERIALIZED VIEW totals;', schema, migration: false },
    // Rollbacks only with `rollbacks: 'all'`: the statement does not fail.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nREFRESH MATERIALIZED VIEW totals;', schema, name: 'a goose Down section' },
  ],
  invalid: [
    {
      code: 'REFRESH MATERIALIZED VIEW totals;',
      schema,
      errors: [
        {
          message: 'REFRESH MATERIALIZED VIEW blocks reads of `totals` while it recomputes; use REFRESH MATERIALIZED VIEW CONCURRENTLY',
          detail:
            "REFRESH MATERIALIZED VIEW `totals` takes an ACCESS EXCLUSIVE lock on `totals`: it blocks reads and writes on `totals` for as long as it rewrites `totals` and its indexes, i.e. the whole time the view's query runs. REFRESH MATERIALIZED VIEW CONCURRENTLY takes an EXCLUSIVE lock on `totals` instead, which blocks writes to `totals` (reads continue): it computes the new result beside the old one and applies only the differences, which is slower. It needs a unique index on plain columns of the view, which `totals` has (`totals_user`), and a view that is already populated.",
          line: 1,
          column: 1,
          suggestions: [{ desc: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY', output: 'REFRESH MATERIALIZED VIEW CONCURRENTLY totals;' }],
        },
      ],
      output: null,
    },
    { code: 'refresh materialized view totals', schema, errors: [{ suggestions: [{ output: 'refresh materialized view concurrently totals' }] }] },
    // Expression and partial unique indexes do not qualify (PostgreSQL 15: "cannot refresh materialized view concurrently").
    {
      code: 'REFRESH MATERIALIZED VIEW daily;',
      schema,
      errors: [{ message: 'REFRESH MATERIALIZED VIEW blocks reads of `daily` while it recomputes; add a unique index, then refresh CONCURRENTLY', detail: /which `daily` does not have yet: create one first, e\.g\. `CREATE UNIQUE INDEX CONCURRENTLY ON daily \(\.\.\.\)`/, suggestions: [] }],
    },
    // A view sqlwarden has not seen: the requirement is stated, no suggestion.
    { code: 'REFRESH MATERIALIZED VIEW reports.monthly;', errors: [{ message: /^REFRESH MATERIALIZED VIEW blocks reads of `reports\.monthly` while it recomputes; refresh CONCURRENTLY \(needs a unique index\)$/, detail: /^REFRESH MATERIALIZED VIEW `reports\.monthly` takes an ACCESS EXCLUSIVE lock on `reports\.monthly`.*It needs a unique index on plain columns of the view \(no expression, no WHERE\)/, suggestions: [] }] },
    // Inside a transaction too (CONCURRENTLY is allowed in a transaction block, unlike CREATE INDEX CONCURRENTLY).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nREFRESH MATERIALIZED VIEW totals;', schema, settings: { rollbacks: 'all' }, errors: [{ line: 4 }] },
    { code: 'BEGIN;\nREFRESH MATERIALIZED VIEW totals;\nCOMMIT;', schema, errors: [{ line: 2, suggestions: [{ output: 'BEGIN;\nREFRESH MATERIALIZED VIEW CONCURRENTLY totals;\nCOMMIT;' }] }] },
  ],
});
